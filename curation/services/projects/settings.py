"""A project's settings: checked by one function before they are saved, by form, API and command.

``clean_settings(project, changes)`` takes any subset of ``SETTINGS`` (a PATCH) and returns the
values to save, or raises ``SettingsError`` naming every bad field with its reason. The label
schema comes with ``relabel`` (old type key -> new key, or "" for untyped): renaming a type is
the new key plus ``{old: new}``; retiring a type its steps use needs ``{old: replacement}``.
``save_settings`` writes the values and relabels existing steps in one UPDATE.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Value, When

from curation.ingest.presets import PRESETS
from curation.models import Project, Step
from curation.segment.schema import validate_label_schema, validate_rating_scale
from curation.services.segmentation import check_config


class SettingsError(ValueError):
    """One or more settings are refused; ``errors`` maps each setting to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))
        self.errors = errors


def _text(limit: int, *, required: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = value.strip()
        if required and not value:
            raise ValueError("may not be empty")
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value

    return check


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return value

    return check


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError("a number from 0 to 1")
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"one of {', '.join(choices)}")
        return value

    return check


def _segmentation(value: Any) -> dict:
    """Checked by the segmentation config's one check; saved as the lead wrote it, so a field
    the lead named no strategy for keeps following the default."""
    check_config(value)
    return dict(value or {})


# Every setting a project has, with the check it must pass.
SETTINGS: dict[str, Callable[[Any], Any]] = {
    "name": _text(200, required=True),
    "description": _text(2000),
    "guidelines": _text(200_000),
    "label_schema": validate_label_schema,
    "rating_scale": validate_rating_scale,
    "overlap": _whole(1, 20),
    "agreement_tolerance": _whole(0, 100_000),
    "agreement_unit": _choice("chars", "tokens"),
    "agreement_threshold": _fraction,
    "max_annotators": _whole(1, 50),
    "auto_approve_consensus": _boolean,
    "gold_rate": _fraction,
    "screening_items": _whole(0, 1000),
    "screening_threshold": _fraction,
    "segmentation": _segmentation,
    "default_preset": _choice("auto", *PRESETS),
    "default_teacher": _text(200),
    "default_atomic": _boolean,
}


@dataclass
class CleanSettings:
    values: dict[str, Any] = field(default_factory=dict)
    relabel: dict[str, str] = field(default_factory=dict)


def current_settings(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in SETTINGS}


def clean_settings(project: Project, changes: dict[str, Any]) -> CleanSettings:
    """The changes, checked; ``SettingsError`` lists every refused one with the reason."""
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(SETTINGS) - {"relabel"}
    for name in sorted(unknown):
        errors[name] = ["No such setting."]
    clean = CleanSettings()
    for name, check in SETTINGS.items():
        if name in changes:
            try:
                clean.values[name] = check(changes[name])
            except ValueError as error:
                errors[name] = [_sentence(str(error))]
    _check_overlap(project, clean.values, errors)
    if "label_schema" in clean.values:
        try:
            clean.relabel = _relabel(project, clean.values["label_schema"], changes.get("relabel"))
        except ValueError as error:
            errors.setdefault("label_schema", []).append(_sentence(str(error)))
    elif changes.get("relabel"):
        errors["relabel"] = ["Relabelling goes with a new label_schema."]
    if errors:
        raise SettingsError(errors)
    return clean


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def _check_overlap(project: Project, values: dict, errors: dict) -> None:
    overlap = values.get("overlap", project.overlap)
    most = values.get("max_annotators", project.max_annotators)
    if "overlap" not in errors and "max_annotators" not in errors and most < overlap:
        errors.setdefault("max_annotators", []).append(
            f"At least the overlap ({overlap}): every trace gets that many annotators."
        )


def _relabel(project: Project, schema: list[dict], relabel: Any) -> dict[str, str]:
    """Which step types become which: renames and retirements, checked against steps in use."""
    relabel = relabel or {}
    if not isinstance(relabel, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in relabel.items()
    ):
        raise ValueError('relabel maps an old type key to a new one: {"old": "new"}')
    keys = {label["key"] for label in schema}
    for old, new in relabel.items():
        if new and new not in keys:
            raise ValueError(f"steps of type {old!r} cannot become {new!r}: no such type")
    relabel = {old: new for old, new in relabel.items() if old != new}
    retired = {label["key"] for label in project.label_schema} - keys - set(relabel)
    in_use = [key for key in sorted(retired) if steps_of_type(project, key).exists()]
    if in_use:
        raise ValueError(
            f"type {in_use[0]!r} is used by existing steps: say which type they become"
        )
    return relabel


def steps_of_type(project: Project, key: str):
    return Step.objects.filter(segmentation__trace__project=project, type=key)


def save_settings(project: Project, clean: CleanSettings) -> Project:
    """Write checked settings; renamed or retired types' steps are relabelled in one UPDATE."""
    with transaction.atomic():
        for name, value in clean.values.items():
            setattr(project, name, value)
        project.save(update_fields=list(clean.values) or None)
        if clean.relabel:
            relabel_steps(project, clean.relabel)
    return project


def relabel_steps(project: Project, relabel: dict[str, str]) -> int:
    """Every step of the project whose type is a key of ``relabel`` takes its new type at once
    (one statement: a swap of two names needs no temporary name)."""
    new_type = Case(
        *[When(type=old, then=Value(new)) for old, new in relabel.items()], output_field=CharField()
    )
    return Step.objects.filter(
        segmentation__trace__project=project, type__in=list(relabel)
    ).update(type=new_type)


def change_settings(project: Project, changes: dict[str, Any]) -> Project:
    """Check, then save: the one call for the API and commands (forms check first, to show errors)."""
    return save_settings(project, clean_settings(project, changes))

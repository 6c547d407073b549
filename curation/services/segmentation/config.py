"""A project's segmentation settings: one strategy (and its parameters) per step field.

Normalised shape, what ``check_config`` returns and what ``Project.segmentation`` holds::

    {"fields": {
        "reasoning":  {"strategy": "discourse", "params": {}},   # <think> reasoning
        "response":   {"strategy": "solution",  "params": {}},   # the final solution
        "transcript": {"strategy": "actions",   "params": {}},   # an agent trace's response
    }}

``strategy`` is any of ``curation.segment.STRATEGIES`` or ``"none"`` (leave the field uncut);
``params`` are checked by the segmenter itself (``check_params``), so a bad value is refused
with the segmenter's own message before it is saved. A field left out takes its default.

The shape before issue 14, ``{"strategy": NAME, "params": {...}}``, still reads: ``auto`` is
every field's default (its parameters must suit every strategy it may pick, as they did when
one strategy was picked per trace), any other strategy applies to the field it was made for.
Both shapes at once (what the settings page saves) read as that default with ``fields`` on top.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curation.models import Trace

NONE = "none"
# What a trace's fields are cut with by default; also what the old per-trace ``auto`` picked.
DEFAULT_STRATEGIES = {"reasoning": "discourse", "response": "solution", "transcript": "actions"}
FIELD_KEYS = tuple(DEFAULT_STRATEGIES)
AUTO_PICKS = ("solution", "discourse", "actions")
# The config key a legacy single strategy applied to.
_LEGACY_FIELD = {
    "discourse": "reasoning", "solution": "response", "paragraphs": "response",
    "actions": "transcript",
}


@dataclass(frozen=True)
class Plan:
    """What to cut in one trace, and how: a field of the trace, a strategy, its parameters."""

    field: str
    strategy: str
    params: dict


def default_config() -> dict:
    """Every field with its default strategy and no parameters."""
    return {"fields": {key: {"strategy": s, "params": {}} for key, s in DEFAULT_STRATEGIES.items()}}


def check_config(config: Any) -> dict:
    """The configuration, normalised and checked; ``ValueError`` with the segmenter's message.

    The one check behind the settings page and form, the ``segment`` and ``project_settings``
    commands, the API and every run.
    """
    if config in (None, {}):
        return default_config()
    if not isinstance(config, dict):
        raise ValueError("segmentation settings must be a JSON object")
    extra = set(config) - {"fields", "strategy", "params"}
    if extra:
        raise ValueError(f"unknown segmentation setting(s): {', '.join(sorted(extra))}")
    fields = config.get("fields", {})
    if not isinstance(fields, dict):
        raise ValueError('"fields" must map a field (reasoning, response, transcript) to settings')
    unknown = set(fields) - set(FIELD_KEYS)
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(sorted(unknown))}: no such field; steps are cut in "
            f"{', '.join(FIELD_KEYS)}"
        )
    normalised = default_config()
    if "strategy" in config or "params" in config:
        # A default the lead named no field for: the segmenter's message needs no field prefix.
        normalised["fields"].update(default_fields(config.get("strategy"), config.get("params")))
    for key, setting in fields.items():
        normalised["fields"][key] = _check_field(key, setting)
    return normalised


def default_fields(strategy: Any, params: Any) -> dict:
    """The fields a single ``{"strategy", "params"}`` sets, checked (the shape before fields)."""
    from curation.segment import check_params

    strategy = strategy or "auto"
    params = params or {}
    if not isinstance(params, dict):
        raise ValueError("parameters must be a JSON object")
    if strategy == "auto":
        if not params:
            return {}
        # auto picked one strategy per trace and passed it these parameters: all must take them.
        for name in AUTO_PICKS:
            check_params(name, params)
        return {key: {"strategy": name, "params": dict(params)}
                for key, name in DEFAULT_STRATEGIES.items()}
    check_params(strategy, params)
    return {_LEGACY_FIELD.get(strategy, "response"): {"strategy": strategy, "params": dict(params)}}


def with_default(config: Any, strategy: str, params: dict | None) -> dict:
    """``config`` (checked) with a single strategy applied as the shape before fields applies
    it (the segment button): the fields it names change, the lead's other choices stay."""
    fields = check_config(config)["fields"]
    return {"fields": {**fields, **default_fields(strategy, params)}}


def only_fields(config: dict, keys: list[str] | tuple[str, ...]) -> dict:
    """The checked configuration restricted to ``keys`` (the other fields are left uncut)."""
    unknown = set(keys) - set(FIELD_KEYS)
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(sorted(unknown))}: choose from {', '.join(FIELD_KEYS)}"
        )
    fields = check_config(config)["fields"]
    return {"fields": {k: v if k in keys else _none() for k, v in fields.items()}}


def override(config: dict, strategy: str, params: dict | None, keys: list[str] | None) -> dict:
    """``config`` with ``strategy`` (and ``params``) on ``keys``; without keys, on the field the
    strategy is made for (the command's ``--strategy`` before fields existed)."""
    if strategy == "auto":
        chosen = check_config(config)
        if params:
            raise ValueError("auto takes no parameters: name a strategy, or set them per field")
        return only_fields(chosen, keys) if keys else chosen
    targets = keys or [_LEGACY_FIELD.get(strategy, "response")]
    setting = {"strategy": strategy, "params": params or {}}
    fields = {**check_config(config)["fields"], **{key: setting for key in targets}}
    return only_fields({"fields": fields}, targets)


def plans_for(trace: Trace, config: dict) -> list[Plan]:
    """What to cut in ``trace`` under a checked config: one plan per non-empty field."""
    fields = config["fields"]
    response_key = "transcript" if trace.kind == Trace.Kind.AGENT else "response"
    plans = []
    for field, key in (("reasoning", "reasoning"), ("response", response_key)):
        setting = fields[key]
        if setting["strategy"] != NONE and getattr(trace, field).strip():
            plans.append(Plan(field, setting["strategy"], setting["params"]))
    return plans


def _check_field(key: str, setting: Any) -> dict:
    from curation.segment import check_params  # pure and light: no spaCy until a text is cut

    if isinstance(setting, str):
        setting = {"strategy": setting}
    if not isinstance(setting, dict) or set(setting) - {"strategy", "params"}:
        raise ValueError(f'{key}: expected {{"strategy": NAME, "params": {{...}}}}')
    strategy = setting.get("strategy") or DEFAULT_STRATEGIES[key]
    if strategy == "auto":  # a field's "auto" is its own default
        strategy = DEFAULT_STRATEGIES[key]
    params = setting.get("params") or {}
    if strategy == NONE:
        if params:
            raise ValueError(f"{key}: a field left uncut takes no parameters")
        return _none()
    try:
        check_params(strategy, params)
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from None
    return {"strategy": strategy, "params": dict(params)}


def _none() -> dict:
    return {"strategy": NONE, "params": {}}

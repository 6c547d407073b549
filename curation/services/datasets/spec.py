"""What a dataset version is built from: one validated, JSON-serializable spec.

The builder page's form and ``manage.py build_dataset`` both produce a ``BuildSpec``; a version
stores ``spec.to_json()`` and every later reader (the build, the pages, the API) parses it back
with ``BuildSpec.from_json``. So one place says what a valid spec is, and the same choices
always give the same spec (lists are put in a canonical order), hence the same bytes.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from curation.export import BuildOptions
from curation.export.context import FIELD_DEFAULTS
from curation.export.filters import (
    TraceFilter,
    drop_traces_with_negative_step,
    drop_traces_with_unrated_step,
    keep_steps_before_first_negative,
    keep_steps_through_first_negative,
)
from curation.export.formats import DEFAULT_FORMATS, FORMATS
from curation.export.options import RatingLabel, non_negative_is_true, plus_one_is_true
from curation.export.splits import DEFAULT_RATIOS, validate_ratios
from curation.export.writers import CONTAINERS

# Which segmentation of a trace a version uses. Every rule takes an approved one first.
SOURCES = {
    "approved": "approved segmentations only",
    "submitted": "approved, else the latest submitted one (or the named annotator's)",
    "auto": "as 'submitted', else the automatic one where no person cut the trace "
    "(the SRL paper's setting)",
}
# The standing of the segmentation chosen for a trace, for the status filter.
STATUSES = {
    "approved": "approved",
    "submitted": "submitted by a person (or imported with its source)",
    "auto": "automatic",
}
# The review standing a chosen segmentation must have (the quality loop, issue 15).
REVIEW_RULES = {
    "any": "any standing",
    "approved": "approved only (by a reviewer, automatically, or adjudicated)",
    "adjudicated": "adjudicated only (made from several annotators' segmentations)",
}
RATING_RULES: dict[str, tuple[str, tuple[TraceFilter, ...]]] = {
    "all": ("keep every trace and step", ()),
    "no-negative": ("leave out traces with a step rated -1", (drop_traces_with_negative_step,)),
    "rated-only": ("leave out traces with an unrated step", (drop_traces_with_unrated_step,)),
    "through-first-negative": (
        "keep steps up to and including the first -1", (keep_steps_through_first_negative,)
    ),
    "before-first-negative": (
        "keep only the steps before the first -1", (keep_steps_before_first_negative,)
    ),
}
LABEL_RULES: dict[str, tuple[str, RatingLabel]] = {
    "plus-one": ("+1 is true, 0 and -1 are false (TRL's PRM800K converter)", plus_one_is_true),
    "non-negative": ("only -1 is false", non_negative_is_true),
}
# Whose step labels a version takes (issue 17). Nothing a model proposed reaches a "human" build
# without a person: pending proposals never count there, accepted ones are a person's edit.
LABEL_SOURCES = {
    "human": "labels people gave or verified (accepted proposals included)",
    "consensus": "as 'human', and unlabelled steps take a pending critic-and-rollouts consensus",
    "any": "as 'human', and unlabelled steps take any pending proposal (the most confident)",
}
DEFAULT_CONTAINERS = ("jsonl", "parquet")
# A JSON key of Trace.source; "__" is refused because the ORM would read it as a nested path.
_SOURCE_KEY = re.compile(r"\A(?!.*__)[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")
_COUNT_BOUNDS = ("min_steps", "max_steps", "min_tokens", "max_tokens", "max_step_tokens")
ContextLimits = dict[str, int | None]  # {"max_steps": K or None, "max_tokens": T or None}


def default_srl_context() -> dict[str, ContextLimits]:
    """Today's rule per steps field, written out: what a new build records unless told."""
    return {name: rule.as_dict() for name, rule in sorted(FIELD_DEFAULTS.items())}


# What a spec saved before the rule existed was built with: every previous step, every field.
# A stored spec without the key reads as this, so old versions rebuild byte for byte.
WHOLE_PREFIX = {name: {"max_steps": None, "max_tokens": None} for name in sorted(FIELD_DEFAULTS)}
# Options that specs saved before them lack, and the value that reproduces those versions.
_ABSENT_MEANS = {"srl_context": WHOLE_PREFIX, "max_steps_per_trace": None}


class InvalidSpec(ValueError):
    """The spec cannot be built; the message says which choice is wrong."""


@dataclass(frozen=True)
class BuildSpec:
    """Which traces, which segmentation of each, and which files."""

    source: str = "submitted"
    annotator: str = ""  # a username: that annotator's submitted segmentation, not the latest
    statuses: tuple[str, ...] = ()  # empty: any
    reviewer: str = ""  # the author of the approved segmentation
    teacher_models: tuple[str, ...] = ()
    source_key: str = ""
    source_value: str = ""
    step_types: tuple[str, ...] = ()  # traces with a step of one of these types
    min_steps: int | None = None
    max_steps: int | None = None
    min_tokens: int | None = None  # of all the steps together
    max_tokens: int | None = None
    max_step_tokens: int | None = None  # of the longest step
    review: str = "any"  # see REVIEW_RULES
    min_agreement: float | None = None  # stored boundary F1 of the trace's annotators, 0 to 1
    ratings: str = "all"
    formats: tuple[str, ...] = DEFAULT_FORMATS
    containers: tuple[str, ...] = DEFAULT_CONTAINERS
    next_step_title_hint: bool = False
    labels: str = "plus-one"
    label_sources: str = "human"
    split_ratios: tuple[float, float, float] = DEFAULT_RATIOS
    # SRL context per steps field (see curation.export.context); None or 0: no limit.
    srl_context: dict[str, ContextLimits] = field(default_factory=default_srl_context)
    # At most this many SRL rows per trace, those of its first steps (None: no cap).
    max_steps_per_trace: int | None = None

    def __post_init__(self) -> None:
        self._check_members()  # before canonical order drops what it does not know
        self._canonicalize()
        self._check_choices()
        self._check_bounds()

    def _check_members(self) -> None:
        _all_of("statuses", self.statuses, STATUSES)
        _all_of("formats", self.formats, FORMATS)
        _all_of("containers", self.containers, CONTAINERS)

    def _canonicalize(self) -> None:
        # Order never matters for these, so it must not change the spec (or the bytes).
        canonical = {
            "statuses": tuple(s for s in STATUSES if s in self.statuses),
            "teacher_models": tuple(sorted(set(self.teacher_models))),
            "step_types": tuple(sorted(set(self.step_types))),
            "formats": tuple(f for f in FORMATS if f in self.formats),
            "containers": tuple(c for c in CONTAINERS if c in self.containers),
            "split_ratios": tuple(float(r) for r in self.split_ratios),
            "annotator": self.annotator.strip(),
            "reviewer": self.reviewer.strip(),
            "source_key": self.source_key.strip(),
            "srl_context": _canonical_context(self.srl_context),
        }
        for name, value in canonical.items():
            object.__setattr__(self, name, value)

    def _check_choices(self) -> None:
        _one_of("source", self.source, SOURCES)
        _one_of("ratings", self.ratings, RATING_RULES)
        _one_of("review", self.review, REVIEW_RULES)
        _one_of("labels", self.labels, LABEL_RULES)
        _one_of("label_sources", self.label_sources, LABEL_SOURCES)
        if not self.formats or not self.containers:
            raise InvalidSpec("choose at least one format and one container")
        if self.source_key and not _SOURCE_KEY.match(self.source_key):
            raise InvalidSpec(f"source key {self.source_key!r}: letters, digits, '_', '-', '.'")
        if self.source_value and not self.source_key:
            raise InvalidSpec("a source value needs a source key")
        try:
            validate_ratios(self.split_ratios)
        except ValueError as exc:
            raise InvalidSpec(str(exc)) from None

    def _check_bounds(self) -> None:
        for name in _COUNT_BOUNDS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise InvalidSpec(f"{name} must be a non-negative integer, got {value!r}")
        cap = self.max_steps_per_trace
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise InvalidSpec(f"max_steps_per_trace must be a positive integer, got {cap!r}")
        for low, high in (("min_steps", "max_steps"), ("min_tokens", "max_tokens")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise InvalidSpec(f"{low} ({lo}) is above {high} ({hi})")
        value = self.min_agreement
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not 0 <= value <= 1):
            raise InvalidSpec(f"min_agreement must be a number from 0 to 1, got {value!r}")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, every field present (what a version stores)."""
        data = asdict(self)
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in data.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BuildSpec:
        """Parse a stored spec; unknown keys are refused rather than ignored, and an option
        the spec predates takes the value its version was built with (``_ABSENT_MEANS``)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidSpec(f"unknown spec fields: {', '.join(unknown)}")
        values = {key: tuple(value) if isinstance(value, list) else value
                  for key, value in {**_ABSENT_MEANS, **data}.items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise InvalidSpec(str(exc)) from None

    @property
    def trace_filters(self) -> tuple[TraceFilter, ...]:
        return RATING_RULES[self.ratings][1]

    def build_options(self, *, dataset, number: int) -> BuildOptions:
        """The export core's options for version ``number`` of ``dataset``."""
        return BuildOptions(
            version=number,
            dataset_name=dataset.name,
            license=dataset.license,
            split_ratios=self.split_ratios,
            trace_filters=self.trace_filters,
            system_prompt=dataset.srl_system_prompt,
            next_step_title_hint=self.next_step_title_hint,
            label_for_rating=LABEL_RULES[self.labels][1],
            label_sources=self.label_sources,
            srl_context_by_field=tuple(
                (name, limits["max_steps"], limits["max_tokens"])
                for name, limits in self.srl_context.items()
            ),
            srl_max_steps_per_trace=self.max_steps_per_trace,
        )


def _canonical_context(context: Any) -> dict[str, ContextLimits]:
    """Every steps field with both limits, 0 read as no limit, in a fixed order."""
    if not isinstance(context, Mapping):
        raise InvalidSpec(f"srl_context must map steps fields to limits, got {context!r}")
    unknown = sorted(set(context) - set(FIELD_DEFAULTS))
    if unknown:
        raise InvalidSpec(f"srl_context: unknown steps fields {unknown}; "
                          f"known: {', '.join(sorted(FIELD_DEFAULTS))}")
    defaults = default_srl_context()
    canonical = {}
    for name in sorted(FIELD_DEFAULTS):
        limits = context.get(name, defaults[name])
        if not isinstance(limits, Mapping) or set(limits) - {"max_steps", "max_tokens"}:
            raise InvalidSpec(f"srl_context[{name!r}]: give max_steps and/or max_tokens")
        canonical[name] = {key: _limit(name, key, limits.get(key))
                           for key in ("max_steps", "max_tokens")}
    return canonical


def _limit(name: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidSpec(f"srl_context[{name!r}].{key} must be a non-negative integer, "
                          f"got {value!r}")
    return value or None


def _one_of(name: str, value: Any, allowed: Mapping[str, Any]) -> None:
    if value not in allowed:
        raise InvalidSpec(f"{name} {value!r} is not one of {', '.join(allowed)}")


def _all_of(name: str, values: tuple, allowed: Mapping[str, Any] | tuple) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidSpec(f"unknown {name} {unknown}; known: {', '.join(allowed)}")

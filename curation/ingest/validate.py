"""The checks every mapped trace passes before it may be stored, whatever its preset."""

from __future__ import annotations

from curation.traces.records import STEP_FIELDS, InvalidRecord, StepSpan, TraceRecord

TEXT_ATTRIBUTES = ("problem", "reasoning", "response", "answer", "teacher_model")
KINDS = ("text", "agent")
RATINGS = (-1, 0, 1, None)


def validate_trace(trace: TraceRecord, *, require_problem: bool = False) -> None:
    """Raise InvalidRecord with a reason a data lead can act on, or return None.

    ``require_problem``: an empty problem is refused (the preset's rule, see
    ``pipeline.problem_required``); SRL and PRM rows without a problem teach nothing.
    """
    for attribute in TEXT_ATTRIBUTES:
        _check_text(attribute, getattr(trace, attribute))
    if require_problem and not trace.problem.strip():
        raise InvalidRecord("the problem is empty")
    if not trace.reasoning.strip() and not trace.response.strip():
        raise InvalidRecord("the trace has neither reasoning nor response text")
    if trace.kind not in KINDS:
        raise InvalidRecord(f"kind must be one of {KINDS}, got {trace.kind!r}")
    if not isinstance(trace.source, dict):
        raise InvalidRecord("source must be an object")
    if trace.steps is not None:
        _check_steps(trace)


def _check_text(attribute: str, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRecord(f"{attribute} must be text, got {type(value).__name__}")
    nul = value.find("\x00")
    if nul >= 0:
        raise InvalidRecord(f"{attribute} contains a NUL character (\\u0000) at offset {nul}")
    if value.isascii():  # O(1) in CPython: the common case skips the scan below
        return
    try:
        value.encode("utf-8")  # faster than a regex scan; only lone surrogates fail
    except UnicodeEncodeError as exc:
        raise InvalidRecord(
            f"{attribute} contains an unpaired surrogate (invalid Unicode) at offset {exc.start}"
        ) from None


def _check_steps(trace: TraceRecord) -> None:
    if trace.steps_field not in STEP_FIELDS:
        raise InvalidRecord(f"steps_field must be one of {STEP_FIELDS}, got {trace.steps_field!r}")
    size = len(getattr(trace, trace.steps_field))
    previous_end = 0
    for index, span in enumerate(trace.steps):
        if not isinstance(span, StepSpan):
            raise InvalidRecord(f"step {index} is not a StepSpan")
        if not 0 <= span.start <= span.end <= size:
            raise InvalidRecord(
                f"step {index} [{span.start}, {span.end}) is outside the "
                f"{size}-character {trace.steps_field}"
            )
        if span.start < previous_end:
            raise InvalidRecord(f"step {index} overlaps or precedes step {index - 1}")
        if span.rating not in RATINGS or isinstance(span.rating, bool):
            raise InvalidRecord(
                f"step {index} rating must be -1, 0, +1 or null, got {span.rating!r}"
            )
        previous_end = span.end

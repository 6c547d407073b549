"""ProcessBench (Qwen): ``id, generator, problem, steps[], final_answer_correct, label``.

``label`` is the 0-based index of the earliest wrong step, -1 when experts found none.
Ratings: see ``first_error_ratings`` (+1 before the error, -1 at it, unrated after).
Steps are joined with "\\n\\n": ProcessBench cut the generators' solutions at blank lines
(its steps contain single newlines but never a blank line), so this restores the text.
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, TraceRecord, spans_from_steps
from ._fields import optional_int, require_str, require_str_list, scalar_fields, teacher_from
from ._labels import first_error_ratings, rate

NAME = "processbench"
DESCRIPTION = (
    "ProcessBench rows: problem, steps[], label (index of the first wrong step, -1 if none), "
    "generator"
)
OPTIONS = {"teacher_model": "teacher name for rows without a generator"}

STEP_JOINER = "\n\n"


def score(record: dict) -> float:
    label = record.get("label")
    if (
        "problem" in record
        and "steps" in record
        and (isinstance(label, int) and not isinstance(label, bool))
    ):
        return 9
    return 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    steps = require_str_list(record, "steps")
    label = optional_int(record, "label")
    if label is None:
        raise InvalidRecord("field 'label' is missing")
    if label < -1:
        raise InvalidRecord(f"field 'label' must be -1 or a step index, got {label}")
    response, spans = spans_from_steps(steps, STEP_JOINER)
    rate(spans, first_error_ratings(len(steps), None if label == -1 else label))
    return TraceRecord(
        problem=require_str(record, "problem"),
        response=response,
        teacher_model=teacher_from(record, ("generator",), options),
        source=scalar_fields(record, ("id", "final_answer_correct", "label")),
        steps=spans,
        steps_field="response",
    )

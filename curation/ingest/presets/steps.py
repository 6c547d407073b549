"""Stepwise's own ``steps`` export: trace fields plus the segmentation as spans, lossless.

Schema: see ``curation.export.formats.steps``. One row per trace::

    trace_id, problem, reasoning, response, answer, teacher_model, kind, source (JSON text),
    steps_field, segmentation_id, revision, author,
    steps: [{start, end, type, rating, note, title}]   # spans in code points of steps_field

The text fields and spans come back unchanged, so a version re-imported gives the same steps
(as an 'imported' segmentation). The exporting instance's ids and author go into ``source``
under ``stepwise``, so the trace can be traced back to where it was cut. A step's ``title`` is
not kept: Stepwise stores no titles, it reads them from the ``1. **Title**`` text.
"""

from __future__ import annotations

import orjson

from curation.traces.records import STEP_FIELDS, InvalidRecord, StepSpan, TraceRecord
from ._fields import optional_int, optional_str, require_list, require_str, type_name

NAME = "steps"
DESCRIPTION = "Stepwise 'steps' export: trace fields, steps_field, steps[] of start/end spans"
OPTIONS: dict[str, str] = {}

KINDS = ("text", "agent")
PROVENANCE_KEY = "stepwise"
PROVENANCE_FIELDS = ("trace_id", "segmentation_id", "revision", "author")
MAX_TYPE_LENGTH = 32  # the width of a step type's column: a longer key is no schema key


def score(record: dict) -> float:
    # steps_field is this format's own column: no other source names a field that way.
    if record.get("steps_field") in STEP_FIELDS and isinstance(record.get("steps"), list):
        return 12
    return 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    steps_field = require_str(record, "steps_field")
    if steps_field not in STEP_FIELDS:
        raise InvalidRecord(
            f"field 'steps_field' must be one of {STEP_FIELDS}, got {steps_field!r}")
    kind = optional_str(record, "kind") or "text"
    if kind not in KINDS:
        raise InvalidRecord(f"field 'kind' must be one of {KINDS}, got {kind!r}")
    return TraceRecord(
        problem=require_str(record, "problem"),
        reasoning=optional_str(record, "reasoning"),
        response=optional_str(record, "response"),
        answer=optional_str(record, "answer"),
        teacher_model=optional_str(record, "teacher_model"),
        source=_source(record),
        steps=[_span(index, step) for index, step in enumerate(require_list(record, "steps"))],
        steps_field=steps_field,
        kind=kind,
    )


def _source(record: dict) -> dict:
    """The trace's own source metadata, plus where this copy of it was cut."""
    value = record.get("source")
    if isinstance(value, str):  # JSON text in the export, so Parquet keeps one schema
        try:
            value = orjson.loads(value) if value.strip() else {}
        except orjson.JSONDecodeError:
            raise InvalidRecord("field 'source' is not valid JSON") from None
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InvalidRecord(f"field 'source' must be a JSON object, got {type_name(value)}")
    provenance = {key: record[key] for key in PROVENANCE_FIELDS if record.get(key) is not None}
    return {**value, PROVENANCE_KEY: provenance} if provenance else value


def _span(index: int, step: object) -> StepSpan:
    if not isinstance(step, dict):
        raise InvalidRecord(f"field 'steps' item {index} must be an object, got {type_name(step)}")
    start, end = optional_int(step, "start"), optional_int(step, "end")
    if start is None or end is None:
        raise InvalidRecord(f"step {index} needs integer 'start' and 'end'")
    step_type = optional_str(step, "type")
    if len(step_type) > MAX_TYPE_LENGTH:
        raise InvalidRecord(f"step {index} type is longer than {MAX_TYPE_LENGTH} characters")
    return StepSpan(
        start=start,
        end=end,
        rating=optional_int(step, "rating"),
        type=step_type,
        note=optional_str(step, "note"),
    )

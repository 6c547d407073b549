from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.export.formats.steps import SCHEMA
from curation.ingest.presets import steps
from curation.traces.records import InvalidRecord

from .conftest import field_text, parse, traces

RESPONSE = "SOLUTION:\n1. **Read** x + 1 = 3.\n\n2. **Solve** x = 2."
FIRST, SECOND = (10, 32), (34, 53)  # the two numbered steps of RESPONSE


def steps_row(**changes) -> dict:
    """One row as the `steps` export writes it."""
    row = {
        "trace_id": 41, "problem": "Solve x + 1 = 3.", "reasoning": "Subtract one.",
        "response": RESPONSE, "answer": "2", "teacher_model": "r1", "kind": "text",
        "source": json.dumps({"id": "gsm-7", "level": 2}), "steps_field": "response",
        "segmentation_id": 9, "revision": 4, "author": "anna",
        "steps": [
            {"start": 10, "end": 32, "type": "premise", "rating": 1, "note": "", "title": None},
            {"start": 34, "end": 53, "type": "compute", "rating": -1, "note": "sign?",
             "title": None},
        ],
    }
    return {**row, **changes}


def jsonl(*rows: dict) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def test_steps_rows_keep_the_spans_and_their_labels():
    trace = traces(jsonl(steps_row()), preset="steps")[0]

    assert [(s.start, s.end, s.type, s.rating, s.note) for s in trace.steps] == [
        (*FIRST, "premise", 1, ""), (*SECOND, "compute", -1, "sign?")]
    assert field_text(trace, trace.steps[1]) == "2. **Solve** x = 2."


def test_steps_rows_keep_the_trace_fields_verbatim():
    trace = traces(jsonl(steps_row()), preset="steps")[0]

    assert (trace.problem, trace.reasoning, trace.response, trace.answer) == (
        "Solve x + 1 = 3.", "Subtract one.", RESPONSE, "2")
    assert (trace.teacher_model, trace.kind, trace.steps_field) == ("r1", "text", "response")


def test_the_source_comes_back_with_where_the_trace_was_cut():
    trace = traces(jsonl(steps_row()), preset="steps")[0]

    assert trace.source == {"id": "gsm-7", "level": 2, "stepwise": {
        "trace_id": 41, "segmentation_id": 9, "revision": 4, "author": "anna"}}


def test_steps_rows_are_detected_automatically():
    assert parse(jsonl(steps_row()))[0] == "steps"


def test_steps_parquet_from_the_export_is_read():
    table = pa.Table.from_pylist([steps_row()], schema=SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)

    preset, items = parse(buffer.getvalue())

    assert preset == "steps"
    assert [(s.start, s.end) for s in items[0][1].steps] == [FIRST, SECOND]


def test_an_agent_trace_stays_an_agent_trace():
    assert traces(jsonl(steps_row(kind="agent")), preset="steps")[0].kind == "agent"


def test_a_span_outside_its_field_is_refused():
    _, items = parse(jsonl(steps_row(steps=[{"start": 0, "end": 999}])), preset="steps")

    assert "outside the" in items[0][1].reason


def test_an_unknown_steps_field_is_refused():
    with pytest.raises(InvalidRecord, match="'steps_field' must be one of"):
        steps.to_trace(steps_row(steps_field="answer"), {})


def test_a_step_without_a_start_is_refused():
    with pytest.raises(InvalidRecord, match="step 0 needs integer 'start' and 'end'"):
        steps.to_trace(steps_row(steps=[{"end": 4}]), {})


def test_a_source_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidRecord, match="'source' must be a JSON object, got a list"):
        steps.to_trace(steps_row(source="[1, 2]"), {})


def test_a_type_too_long_for_a_schema_key_is_refused():
    with pytest.raises(InvalidRecord, match="longer than 32 characters"):
        steps.to_trace(steps_row(steps=[{"start": 0, "end": 4, "type": "x" * 33}]), {})


def test_other_step_lists_are_not_taken_for_steps_rows():
    assert steps.score({"problem": "p", "steps": ["a", "b"], "label": -1}) == 0

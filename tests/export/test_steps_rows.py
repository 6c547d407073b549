"""The steps format: the segmentation, lossless, re-importable from the row alone."""
from __future__ import annotations

import json

from curation.export.formats.steps import SCHEMA, steps_rows
from curation.export.records import ExportStep, ExportTrace
from tests.factories import HOSTILE, solution_trace


def reimport(row: dict) -> ExportTrace:
    """What an ingest preset does with a steps row."""
    return ExportTrace(
        trace_id=row["trace_id"], problem=row["problem"], reasoning=row["reasoning"],
        response=row["response"], answer=row["answer"], teacher_model=row["teacher_model"],
        source=json.loads(row["source"]), kind=row["kind"], steps_field=row["steps_field"],
        segmentation_id=row["segmentation_id"], revision=row["revision"], author=row["author"],
        steps=[ExportStep(**step) for step in row["steps"]],
    )


def test_a_row_reimports_to_the_same_trace():
    trace = solution_trace(ratings=[1, None, -1], source={"b": [1, 2], "a": HOSTILE})
    trace.steps[0] = trace.steps[0]._replace(note="check sign", title="Given title")
    (row,) = steps_rows(trace)
    assert reimport(row) == trace


def test_span_text_is_the_step_text_in_code_points():
    trace = solution_trace(problem="\U0001f600 emoji first")
    (row,) = steps_rows(trace)
    first = row["steps"][0]
    assert row[row["steps_field"]][first["start"]:first["end"]].startswith("1. **Read")


def test_source_is_json_text_with_sorted_keys():
    (row,) = steps_rows(solution_trace(source={"b": 1, "a": 2}))
    assert row["source"] == '{"a":2,"b":1}'


def test_columns_match_the_parquet_schema_in_order():
    assert list(next(steps_rows(solution_trace()))) == SCHEMA.names

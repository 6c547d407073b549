"""The prm format: TRL stepwise supervision with a configurable rating -> label mapping."""
from __future__ import annotations

from curation.export.formats.prm import SCHEMA, prm_rows
from curation.export.options import BuildOptions, non_negative_is_true
from tests.factories import solution_trace, text_trace


def test_one_row_with_prompt_completions_and_labels():
    (row,) = prm_rows(solution_trace(ratings=[1, 0, -1]))
    assert row["prompt"] == "Solve x + 1 = 3."
    assert row["completions"][1] == "2. **Isolate x** Subtract 1 from both sides: x = 2."
    assert len(row["completions"]) == len(row["labels"]) == 3


def test_default_labels_follow_trls_prm800k_converter():
    (row,) = prm_rows(text_trace(["a", "b", "c", "d"], ratings=[1, 0, -1, None]))
    assert row["labels"] == [True, False, False, False]
    assert row["ratings"] == [1, 0, -1, None]


def test_label_mapping_is_an_option():
    options = BuildOptions(label_for_rating=non_negative_is_true)
    (row,) = prm_rows(text_trace(["a", "b", "c"], ratings=[1, 0, -1]), options)
    assert row["labels"] == [True, True, False]


def test_a_trace_without_steps_has_no_row():
    assert list(prm_rows(text_trace([]))) == []


def test_columns_match_the_parquet_schema_in_order():
    assert list(next(prm_rows(solution_trace()))) == SCHEMA.names

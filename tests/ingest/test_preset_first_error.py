from __future__ import annotations

import pytest

from curation.ingest.presets import first_error
from curation.traces.records import InvalidRecord

from .conftest import field_text, fixture_bytes, parse

BIGBENCH = "bigbench_mistake.jsonl"


def items(fixture: str, **options):
    return parse(fixture_bytes(fixture), preset="first_error", options=options)[1]


def test_bigbench_mistake_ratings_from_mistake_index():
    trace = items(BIGBENCH)[0][1]
    assert [s.rating for s in trace.steps] == [1, 1, -1, None]


def test_bigbench_mistake_null_index_means_every_step_is_correct():
    assert [s.rating for s in items(BIGBENCH)[1][1].steps] == [1, 1, 1]


def test_bigbench_mistake_target_is_the_answer_and_the_model_answer_is_kept():
    trace = items(BIGBENCH)[0][1]
    assert trace.problem.startswith("Sort the following words")
    assert trace.answer == "cider kitten scan"
    assert trace.source == {"mistake_index": 2, "model_answer": "cider scan kitten"}
    assert (
        field_text(trace, trace.steps[3])
        == "I have now sorted all the words. The answer is cider scan kitten"
    )


def test_prmbench_marks_every_listed_error_and_leaves_the_rest_after_the_first_unrated():
    trace = items("prmbench.jsonl")[0][1]
    assert [s.rating for s in trace.steps] == [1, 1, -1, -1, None]
    assert trace.source["error_steps"] == [3, 4] and trace.source["classification"] == "circular"


def test_prmbench_error_outside_the_steps_is_refused_with_the_reason():
    location, error = items("prmbench.jsonl")[1]
    assert location == 2
    assert (
        error.reason == "error_steps [2] are outside the 1 steps (1-based): "
        "the labels do not match this step list"
    )


def test_prmbench_without_error_steps_is_unannotated():
    trace = items("prmbench.jsonl")[2][1]
    assert [s.rating for s in trace.steps] == [None]
    assert trace.answer == "5"


def test_prmbench_original_process_option_imports_unrated_original_steps():
    trace = items("prmbench.jsonl", process="original")[0][1]
    assert field_text(trace, trace.steps[2]) == "0.5 minutes is 30 seconds."
    assert {s.rating for s in trace.steps} == {None}


@pytest.mark.parametrize("fixture", [BIGBENCH, "prmbench.jsonl"])
def test_first_error_sources_are_detected_automatically(fixture):
    assert parse(fixture_bytes(fixture))[0] == "first_error"


def test_first_error_record_of_neither_kind_is_refused():
    with pytest.raises(InvalidRecord, match="neither 'mistake_index'"):
        first_error.to_trace({"steps": ["a"]}, {})

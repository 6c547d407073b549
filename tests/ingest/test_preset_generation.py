from __future__ import annotations

import pytest

from curation.ingest.presets import generation
from curation.traces.records import InvalidRecord

from .conftest import fixture_bytes, parse, traces


def rows():
    return traces(fixture_bytes("generation.jsonl"), preset="generation")


def test_generation_splits_prompt_reasoning_and_response():
    trace = rows()[0]
    assert trace.problem == "Solve for $m$: $(m-4)^3 = 8$."
    assert trace.reasoning == "Take cube roots: m - 4 = 2."
    assert trace.response == "So $m = \\boxed{6}$."
    assert trace.source["prompt"].startswith("Solve this math problem step by step. Problem:")


def test_generation_prefers_the_gold_answer_and_keeps_the_model_answer_in_source():
    trace = rows()[0]
    assert (
        trace.answer == "6" and trace.source["answer"] == "6" and trace.source["is_correct"] is True
    )


def test_generation_without_closing_tag_is_truncated_reasoning():
    trace = rows()[1]
    assert trace.problem == "What is 2^10?"
    assert trace.reasoning == "Doubling ten times: 2, 4, 8, 16" and trace.response == ""
    assert trace.source["truncated"] is True and trace.answer == "1024"


def test_generation_without_opening_tag_splits_at_the_closing_tag():
    trace = rows()[2]
    assert trace.reasoning == "Okay, so I need 8 choose 4.\nThat is 70."
    assert trace.response == "The answer is $\\boxed{70}$."
    assert trace.teacher_model == "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B" and trace.answer == "70"
    assert "truncated" not in trace.source


def test_generation_without_problem_field_takes_the_text_before_think():
    trace = generation.to_trace({"output": "What is 1+1? <think>Add.</think>2"}, {})
    assert trace.problem == "What is 1+1?" and trace.reasoning == "Add." and trace.response == "2"


def test_generation_without_any_problem_has_an_empty_problem():
    trace = rows()[3]
    assert trace.problem == "" and trace.reasoning == "First, I count the cards."


def test_generation_untagged_option_files_plain_text_as_response():
    trace = generation.to_trace({"output": "Just 2."}, {"untagged": "response"})
    assert trace.response == "Just 2." and trace.reasoning == ""


def test_generation_untagged_text_is_truncated_reasoning_by_default():
    trace = generation.to_trace({"output": "Okay, so I need to figure out"}, {})
    assert trace.reasoning == "Okay, so I need to figure out" and trace.source["truncated"] is True


def test_generation_is_detected_automatically():
    assert parse(fixture_bytes("generation.jsonl"))[0] == "generation"


def test_generation_without_text_field_is_refused():
    with pytest.raises(InvalidRecord, match="no text field"):
        generation.to_trace({"problem": "p"}, {})

from __future__ import annotations

import pytest

from curation.ingest.presets import s1k
from curation.traces.records import InvalidRecord

from .conftest import fixture_bytes, parse, traces


def test_s1k_maps_the_deepseek_columns_by_default():
    trace = traces(fixture_bytes("s1k_1_1.jsonl"), preset="s1k")[0]
    assert trace.problem.startswith("Given a rational number")
    assert trace.reasoning.startswith("Alright, so I need")
    assert trace.response.endswith("$\\boxed{128}$")
    assert trace.answer == "128"
    assert trace.teacher_model == "DeepSeek-R1"
    assert trace.source["teacher"] == "deepseek" and trace.source["grade"] == "Yes"
    assert trace.source["source_type"] == "qq8933/AIME_1983_2024"


def test_s1k_teacher_option_picks_the_gemini_columns():
    trace = traces(fixture_bytes("s1k_1_1.jsonl"), preset="s1k", options={"teacher": "gemini"})[0]
    assert trace.reasoning.startswith("The problem asks")
    assert trace.teacher_model == "Gemini 2.0 Flash Thinking"


def test_s1k_reference_solution_becomes_the_answer():
    trace = traces(fixture_bytes("s1k_1_1.jsonl"), preset="s1k")[1]
    assert trace.answer.startswith("1. Use the identity")


def test_s1k_version_one_rows_use_thinking_trajectories():
    trace = traces(fixture_bytes("s1k_v1.jsonl"), preset="s1k")[0]
    assert trace.reasoning == "By the Pythagorean identity the sum is 1."
    assert trace.response == "$\\boxed{1}$" and trace.source["teacher"] == "gemini"


def test_s1k_is_detected_automatically():
    assert parse(fixture_bytes("s1k_1_1.jsonl"))[0] == "s1k"


def test_s1k_unknown_teacher_is_refused():
    with pytest.raises(InvalidRecord, match="option 'teacher' must be one of"):
        s1k.to_trace({"question": "q", "deepseek_thinking_trajectory": "t"}, {"teacher": "claude"})


def test_s1k_question_that_is_not_text_is_refused():
    with pytest.raises(InvalidRecord, match="field 'question' must be a string, got a number"):
        s1k.to_trace({"question": 3, "deepseek_thinking_trajectory": "t"}, {})


def test_s1k_teacher_model_option_records_the_exact_model():
    options = {"teacher": "deepseek", "teacher_model": "deepseek-ai/DeepSeek-R1-0120"}
    trace = traces(fixture_bytes("s1k_1_1.jsonl"), preset="s1k", options=options)[0]
    assert trace.teacher_model == "deepseek-ai/DeepSeek-R1-0120"

from __future__ import annotations

import pytest

from curation.ingest.presets import prm800k
from curation.traces.records import InvalidRecord

from .conftest import field_text, fixture_bytes, parse, traces


def phase2():
    return traces(fixture_bytes("prm800k.jsonl"), preset="prm800k")[0]


def phase1():
    return traces(fixture_bytes("prm800k.jsonl"), preset="prm800k")[1]


def test_prm800k_phase2_keeps_every_pre_generated_step():
    trace = phase2()
    assert [field_text(trace, s) for s in trace.steps] == [
        "I want to find the largest positive integer that divides both.",
        "I know that $200,\\!000 = 2^9\\cdot 5^4$.",
        "So, the greatest common factor is $2^9\\cdot 5^4 = 320,\\!000$.\n\n# Answer\n\n320,000",
    ]


def test_prm800k_steps_are_joined_by_one_newline_like_the_generator_wrote_them():
    assert phase2().response.startswith(
        "I want to find the largest positive integer that divides both.\nI know"
    )


def test_prm800k_phase2_ratings_stop_at_the_first_error():
    assert [s.rating for s in phase2().steps] == [0, -1, None]


def test_prm800k_phase2_metadata():
    trace = phase2()
    assert trace.problem.startswith("What is the greatest common factor")
    assert trace.answer == "40,\\!000"
    assert trace.source["phase"] == 2 and trace.source["finish_reason"] == "found_error"
    assert trace.source["labeler"] == "340d89bc-f5b7-45e9-b272-909ba68ee363"
    assert trace.teacher_model == "GPT-4 (PRM800K generator)"


def test_prm800k_phase1_follows_chosen_and_human_completions():
    trace = phase1()
    assert [field_text(trace, s) for s in trace.steps] == [
        "7.8 minutes is the same as 7 minutes and 0.8 minutes.",
        "0.8 minutes is 0.8 * 60 = 48 seconds, so 420 + 48 = 468 seconds.",
        "# Answer\n\n468",
    ]


def test_prm800k_human_completion_is_a_plus_one_step_with_a_note():
    step = phase1().steps[1]
    assert step.rating == 1 and step.note == prm800k.HUMAN_NOTE


def test_prm800k_phase1_stops_where_labelling_stopped():
    record = {
        "question": {"problem": "p"},
        "label": {
            "steps": [
                {
                    "completions": [{"text": "a", "rating": 1}],
                    "chosen_completion": 0,
                    "human_completion": None,
                },
                {
                    "completions": [{"text": "b", "rating": 0}, {"text": "c", "rating": -1}],
                    "chosen_completion": None,
                    "human_completion": None,
                },
            ]
        },
    }
    trace = prm800k.to_trace(record, {})
    assert trace.response == "a\nc" and [s.rating for s in trace.steps] == [1, -1]


def test_prm800k_is_detected_automatically():
    assert parse(fixture_bytes("prm800k.jsonl"))[0] == "prm800k"


def test_prm800k_rating_outside_the_scale_is_refused():
    record = {
        "question": {"problem": "p"},
        "label": {"steps": [{"completions": [{"text": "a", "rating": 5}], "chosen_completion": 0}]},
    }
    with pytest.raises(InvalidRecord, match="rating 5"):
        prm800k.to_trace(record, {})


def test_prm800k_label_without_steps_is_refused():
    with pytest.raises(InvalidRecord, match="no steps"):
        prm800k.to_trace({"question": {"problem": "p"}, "label": {"steps": []}}, {})

from __future__ import annotations

import pytest

from curation.ingest.presets import processbench
from curation.traces.records import InvalidRecord

from .conftest import field_text, fixture_bytes, parse, traces


def test_processbench_rates_before_at_and_after_the_first_wrong_step():
    trace = traces(fixture_bytes("processbench_gsm8k.json"), preset="processbench")[0]
    assert [s.rating for s in trace.steps] == [1, -1, None]


def test_processbench_label_minus_one_rates_every_step_plus_one():
    trace = traces(fixture_bytes("processbench_gsm8k.json"), preset="processbench")[1]
    assert [s.rating for s in trace.steps] == [1, 1]


def test_processbench_steps_are_joined_by_a_blank_line():
    trace = traces(fixture_bytes("processbench_gsm8k.json"), preset="processbench")[1]
    assert trace.response == "3 + 4 = 7.\nSo the answer is 7.\n\n\\boxed{7}"
    assert field_text(trace, trace.steps[1]) == "\\boxed{7}"


def test_processbench_generator_and_id():
    trace = traces(fixture_bytes("processbench_gsm8k.json"), preset="processbench")[0]
    assert trace.teacher_model == "Qwen2-7B-Instruct"
    assert trace.source == {"id": "gsm8k-0", "final_answer_correct": False, "label": 1}
    assert trace.steps_field == "response" and trace.reasoning == ""


def test_processbench_is_detected_automatically():
    assert parse(fixture_bytes("processbench_gsm8k.json"))[0] == "processbench"


def test_processbench_label_past_the_last_step_is_refused():
    with pytest.raises(InvalidRecord, match="first wrong step 3 is outside the 2 steps"):
        processbench.to_trace({"problem": "p", "steps": ["a", "b"], "label": 3}, {})


def test_processbench_step_that_is_not_text_is_refused():
    with pytest.raises(InvalidRecord, match="field 'steps' item 1 must be a string, got a number"):
        processbench.to_trace({"problem": "p", "steps": ["a", 2], "label": -1}, {})

"""A project's segmentation settings: one strategy per field, checked by the segmenter itself."""
from __future__ import annotations

import pytest

from curation.models import Trace
from curation.services.segmentation import check_config, default_config, plans_for


def test_no_settings_mean_every_field_with_its_own_strategy():
    fields = check_config({})["fields"]

    assert {key: f["strategy"] for key, f in fields.items()} == {
        "reasoning": "discourse", "response": "solution", "transcript": "actions",
    }


def test_the_shape_before_fields_still_reads():
    assert check_config({"strategy": "auto", "params": {}}) == default_config()
    legacy = check_config({"strategy": "paragraphs", "params": {"min_tokens": 4}})
    assert legacy["fields"]["response"] == {"strategy": "paragraphs", "params": {"min_tokens": 4}}
    assert legacy["fields"]["reasoning"]["strategy"] == "discourse"


def test_a_field_takes_its_own_strategy_and_parameters():
    config = check_config({"fields": {"reasoning": {"strategy": "discourse",
                                                    "params": {"granularity": "sentence"}}}})

    assert config["fields"]["reasoning"]["params"] == {"granularity": "sentence"}
    assert config["fields"]["response"]["strategy"] == "solution"


@pytest.mark.parametrize(("config", "message"), [
    ({"fields": {"reasoning": {"strategy": "discourse", "params": {"granularty": "move"}}}},
     "reasoning: unknown parameter(s) for discourse: granularty"),
    ({"fields": {"reasoning": {"strategy": "discourse", "params": {"min_tokens": -1}}}},
     "min_tokens must be a whole number >= 0"),
    ({"fields": {"response": {"strategy": "magic"}}}, "unknown strategy 'magic'"),
    ({"fields": {"answer": {"strategy": "solution"}}}, "unknown field(s) answer"),
    ({"strategy": "discourse", "params": {"granularity": "word"}}, "granularity must be one of"),
    ({"fields": {}, "extra": 1}, "unknown segmentation setting(s): extra"),
    ([], "must be a JSON object"),
])
def test_invalid_settings_are_refused_with_the_segmenters_message(config, message):
    with pytest.raises(ValueError) as refused:
        check_config(config)

    assert message in str(refused.value)


def test_none_leaves_a_field_uncut():
    config = check_config({"fields": {"reasoning": "none"}})
    trace = Trace(reasoning="Let me think.", response="1. Add.\n2. Done.")

    assert [plan.field for plan in plans_for(trace, config)] == ["response"]


def test_every_non_empty_field_gets_a_plan_and_agents_get_actions():
    config = default_config()
    text = Trace(reasoning="Let me think.", response="1. Add.\n2. Done.")
    agent = Trace(kind=Trace.Kind.AGENT, reasoning="", response="ASSISTANT: ls")
    empty = Trace(reasoning="  ", response="")

    assert [(p.field, p.strategy) for p in plans_for(text, config)] == [
        ("reasoning", "discourse"), ("response", "solution"),
    ]
    assert [(p.field, p.strategy) for p in plans_for(agent, config)] == [("response", "actions")]
    assert plans_for(empty, config) == []

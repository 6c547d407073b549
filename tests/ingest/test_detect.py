from __future__ import annotations

import pytest

from curation.ingest.detect import NoPresetMatched, detect_preset

from .conftest import fixture_bytes, parse

FIXTURE_PRESETS = {
    "s1k_1_1.jsonl": "s1k",
    "s1k_v1.jsonl": "s1k",
    "chat_openai.jsonl": "chat",
    "chat_sharegpt.json": "chat",
    "prm800k.jsonl": "prm800k",
    "processbench_gsm8k.json": "processbench",
    "bigbench_mistake.jsonl": "first_error",
    "prmbench.jsonl": "first_error",
    "agent_tau.jsonl": "agent",
    "swe_agent.traj": "agent",
    "generation.jsonl": "generation",
}


@pytest.mark.parametrize("fixture,preset", FIXTURE_PRESETS.items())
def test_each_source_shape_is_detected(fixture, preset):
    assert parse(fixture_bytes(fixture))[0] == preset


def test_nothing_matching_names_the_fields_seen():
    with pytest.raises(
        NoPresetMatched, match=r"no preset matches these records \(fields seen: colour, size\)"
    ):
        detect_preset([{"colour": "red", "size": 3}])


def test_an_empty_sample_cannot_be_detected():
    with pytest.raises(NoPresetMatched, match="no records"):
        detect_preset([])


def test_the_mapping_preset_is_never_detected():
    assert (
        detect_preset([{"chunks": [{"text": "a"}], "response": "<think>x</think>y"}])
        == "generation"
    )


def test_tool_calls_make_a_chat_transcript_an_agent_one():
    record = {
        "messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "f"}}]},
        ]
    }
    assert detect_preset([record]) == "agent"

from __future__ import annotations

import pytest

from curation.ingest.presets import chat
from curation.traces.records import InvalidRecord

from .conftest import fixture_bytes, parse, traces


def test_chat_takes_reasoning_from_reasoning_content():
    trace = traces(fixture_bytes("chat_openai.jsonl"), preset="chat")[0]
    assert trace.problem == "What is 17 * 23?"
    assert trace.reasoning == "17*20 = 340, 17*3 = 51, total 391."
    assert trace.response == "17 * 23 = **391**."
    assert trace.teacher_model == "deepseek-reasoner"
    assert trace.source == {"id": "c1", "system": "You are a careful mathematician."}


def test_chat_splits_a_think_block_inside_the_content():
    trace = traces(fixture_bytes("chat_openai.jsonl"), preset="chat")[1]
    assert trace.reasoning == "91 = 7 * 13."
    assert trace.response == "No: 91 = 7 × 13."


def test_chat_reads_sharegpt_from_and_value():
    trace = traces(fixture_bytes("chat_sharegpt.json"), preset="chat")[0]
    assert trace.problem == "How many primes are below 10?"
    assert trace.reasoning == "2, 3, 5, 7: four of them."
    assert trace.response == "There are 4 primes below 10."
    assert trace.source["system"] == "Think step by step."


@pytest.mark.parametrize("fixture", ["chat_openai.jsonl", "chat_sharegpt.json"])
def test_chat_is_detected_automatically(fixture):
    assert parse(fixture_bytes(fixture))[0] == "chat"


def test_chat_multi_turn_keeps_earlier_turns_in_source():
    record = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "<think>r</think>d"},
        ]
    }
    trace = chat.to_trace(record, {})
    assert trace.problem == "a\n\nc" and trace.response == "d"
    assert [turn["content"] for turn in trace.source["earlier_turns"]] == ["a", "b", "c"]


def test_chat_content_parts_are_joined():
    record = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hi"}]},
            {"role": "assistant", "content": "<think>x</think>y"},
        ]
    }
    assert chat.to_trace(record, {}).problem == "hi"


def test_chat_without_assistant_turn_is_refused():
    with pytest.raises(InvalidRecord, match="no assistant turn"):
        chat.to_trace({"messages": [{"role": "user", "content": "hi"}]}, {})


def test_chat_unknown_role_is_refused():
    with pytest.raises(InvalidRecord, match="message 0 has no known role"):
        chat.to_trace({"messages": [{"role": "narrator", "content": "hi"}]}, {})

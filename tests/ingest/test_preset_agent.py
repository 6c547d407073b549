from __future__ import annotations

import pytest

from curation.ingest.presets import agent
from curation.traces.records import InvalidRecord
from curation.traces.transcript import (
    ACTION_MARKER,
    ASSISTANT_MARKER,
    OBSERVATION_MARKER,
    TOOL_CALL_MARKER,
)

from .conftest import field_text, fixture_bytes, parse, traces


def tau_trace():
    return traces(fixture_bytes("agent_tau.jsonl"), preset="agent")[0]


def swe_trace():
    return traces(fixture_bytes("swe_agent.traj"), preset="agent")[0]


def test_agent_problem_is_the_first_user_turn_and_system_goes_to_source():
    trace = tau_trace()
    assert trace.problem == "Hi! I want to book a flight to Seattle."
    assert trace.source["system"] == "# Airline Agent Policy\nBe helpful."
    assert trace.source["task_id"] == 0 and trace.source["reward"] == 1.0
    assert trace.kind == "agent" and trace.steps_field == "response"


def test_agent_one_step_per_assistant_turn_with_what_followed_attached():
    trace = tau_trace()
    steps = [field_text(trace, s) for s in trace.steps]
    assert steps == [
        "[assistant]\nSure, what is your user ID?\n[user]\nmia_li_3668",
        (
            '[assistant]\n[tool call] get_user_details\n{"user_id":"mia_li_3668"}\n'
            '[tool result] get_user_details\n{"name": "Mia Li"}'
        ),
        "[assistant]\nBooked, Mia. Anything else?",
    ]


def test_agent_final_assistant_message_without_tool_calls_is_a_step():
    trace = tau_trace()
    assert field_text(trace, trace.steps[-1]).endswith("Booked, Mia. Anything else?")


def test_swe_agent_traj_task_is_the_first_user_message_outside_the_demonstration():
    trace = swe_trace()
    assert trace.problem.startswith("We're currently solving the following issue")
    assert trace.teacher_model == "gpt-4o"
    assert trace.source["exit_status"] == "submitted" and trace.source["environment"] == "swe_main"


def test_swe_agent_steps_are_thought_action_and_observation():
    trace = swe_trace()
    assert len(trace.steps) == 3
    assert field_text(trace, trace.steps[0]) == (
        f"{ASSISTANT_MARKER}\nLet's find the file.\n{ACTION_MARKER}\nfind_file missing_colon.py\n"
        f'{OBSERVATION_MARKER}\nFound 1 matches for "missing_colon.py":\n'
        "/repo/tests/missing_colon.py"
    )


def test_swe_agent_history_is_used_when_the_trajectory_is_empty():
    record = {
        "history": [
            {"role": "system", "content": "sys", "message_type": "system_prompt"},
            {"role": "user", "content": "Fix the bug.", "message_type": "observation"},
            {
                "role": "assistant",
                "content": "Look.",
                "thought": "Look.",
                "action": "ls",
                "tool_calls": [
                    {"function": {"arguments": '{"command":"ls"}', "name": "bash"}, "id": "c1"}
                ],
            },
            {"role": "tool", "content": "a.py", "tool_call_ids": ["c1"]},
        ],
        "trajectory": [],
    }
    trace = agent.to_trace(record, {})
    assert trace.problem == "Fix the bug."
    assert (
        trace.response
        == f'{ASSISTANT_MARKER}\nLook.\n{TOOL_CALL_MARKER} bash\n{{"command":"ls"}}\n'
        f"{OBSERVATION_MARKER}\na.py"
    )


@pytest.mark.parametrize("fixture", ["agent_tau.jsonl", "swe_agent.traj"])
def test_agent_transcripts_are_detected_automatically(fixture):
    assert parse(fixture_bytes(fixture))[0] == "agent"


def test_agent_transcript_without_assistant_turn_is_refused():
    with pytest.raises(InvalidRecord, match="no assistant turn"):
        agent.to_trace(
            {"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "x"}]}, {}
        )


def test_agent_tool_call_without_function_name_is_refused():
    record = {
        "messages": [
            {"role": "assistant", "content": "", "tool_calls": [{"function": {"arguments": "{}"}}]}
        ]
    }
    with pytest.raises(InvalidRecord, match="a tool call has no function name"):
        agent.to_trace(record, {})

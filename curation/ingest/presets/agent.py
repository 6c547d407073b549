"""Agent trajectories with tool calls, rendered to one transcript text (``kind="agent"``).

Two shapes:

* OpenAI-style transcripts (tau-bench ``traj``, or ``messages``): system / user /
  assistant (with ``tool_calls`` or a legacy ``function_call``) / tool messages.
* SWE-agent ``.traj`` records: ``trajectory[]`` of {thought, action, observation,
  response}, with the task in ``history`` (the first user message that is not part of a
  demonstration). Records whose ``trajectory`` is empty are read from ``history``.

The problem is the task (the user turns before the first assistant turn); the system
prompt goes to ``source['system']``. The response is the transcript from the first
assistant turn on, rendered by ``transcript.render_transcript``: one step per assistant
turn, the tool results / observations / user replies that followed attached to it.
"""

from __future__ import annotations

from typing import Any

import orjson

from curation.traces.records import InvalidRecord, TraceRecord
from curation.traces.transcript import ToolCall, Turn, render_transcript
from ._fields import metadata_fields, teacher_from, type_name
from .chat import ROLE_ALIASES

NAME = "agent"
DESCRIPTION = "agent transcripts with tool calls (OpenAI messages, tau-bench traj, SWE-agent .traj)"
OPTIONS = {
    "field": "the field holding the message list (default: traj, messages, conversations, history)",
    "teacher_model": "teacher name for records that do not name one",
}

MESSAGE_FIELDS = ("traj", "messages", "conversations", "history")
TEACHER_FIELDS = ("model", "model_name", "agent_model")
NOT_A_MODEL = ("replay", "instant_empty_submit", "human")  # SWE-agent pseudo-models


def score(record: dict) -> float:
    if _is_swe_agent(record):
        return 9
    for key in MESSAGE_FIELDS:
        value = record.get(key)
        if isinstance(value, list) and any(
            isinstance(m, dict) and _is_tool_message(m) for m in value
        ):
            return 8
    return 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    source = metadata_fields(record)
    if _is_swe_agent(record) and not options.get("field"):
        task, system, turns = _swe_agent(record)
        teacher = _swe_agent_model(record) or teacher_from(record, TEACHER_FIELDS, options)
        source.update(_swe_agent_info(record))
    else:
        task, system, turns = _split_task(_openai_turns(_message_list(record, options)))
        teacher = teacher_from(record, TEACHER_FIELDS, options)
    if not any(turn.role == "assistant" for turn in turns):
        raise InvalidRecord("the transcript has no assistant turn")
    response, spans = render_transcript(turns)
    if system:
        source["system"] = system
    return TraceRecord(
        problem=task,
        response=response,
        teacher_model=teacher,
        source=source,
        steps=spans,
        steps_field="response",
        kind="agent",
    )


# ---------------------------------------------------------------------------------------
# OpenAI-style messages


def _is_tool_message(message: dict) -> bool:
    return bool(message.get("tool_calls") or message.get("function_call")) or message.get(
        "role"
    ) in ("tool", "function")


def _message_list(record: dict, options: dict) -> list[dict]:
    keys = (options["field"],) if options.get("field") else MESSAGE_FIELDS
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            if not all(isinstance(m, dict) for m in value):
                raise InvalidRecord(f"field '{key}' must be a list of message objects")
            return value
    raise InvalidRecord(f"no message list in {', '.join(repr(k) for k in keys)}")


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # OpenAI content parts
        return "\n".join(
            p["text"] for p in value if isinstance(p, dict) and isinstance(p.get("text"), str)
        )
    raise InvalidRecord(f"{where} must be a string, got {type_name(value)}")


def _arguments(value: Any) -> str:
    """Tool arguments verbatim when they are the usual JSON string, else serialised."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode() if value is not None else ""


def _tool_calls(message: dict, index: int) -> list[ToolCall]:
    calls = message.get("tool_calls") or (
        [{"function": message["function_call"]}] if message.get("function_call") else []
    )
    if not isinstance(calls, list):
        raise InvalidRecord(f"message {index}: tool_calls must be a list")
    result = []
    for call in calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise InvalidRecord(f"message {index}: a tool call has no function name")
        result.append(ToolCall(function["name"], _arguments(function.get("arguments"))))
    return result


def _openai_turns(messages: list[dict]) -> list[Turn]:
    names_by_call_id: dict[str, str] = {}
    turns: list[Turn] = []
    for index, message in enumerate(messages):
        role = message.get("role", message.get("from"))
        role = ROLE_ALIASES.get(role.lower()) if isinstance(role, str) else None
        if role is None:
            raise InvalidRecord(f"message {index} has no known role: {message.get('role')!r}")
        content = _text(message.get("content", message.get("value")), f"message {index} content")
        if role == "assistant":
            calls = _tool_calls(message, index)
            for call, raw in zip(calls, message.get("tool_calls") or []):
                if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    names_by_call_id[raw["id"]] = call.name
            thinking = message.get("reasoning_content")
            turns.append(
                Turn(
                    "assistant",
                    content,
                    calls,
                    thinking=thinking if isinstance(thinking, str) else "",
                )
            )
        elif role == "tool":
            name = message.get("name") or names_by_call_id.get(message.get("tool_call_id"), "")
            turns.append(Turn("tool", content, name=name if isinstance(name, str) else ""))
        else:
            turns.append(Turn(role, content))
    return turns


def _split_task(turns: list[Turn]) -> tuple[str, str, list[Turn]]:
    """(task, system prompt, episode): the turns before the first assistant turn are the task."""
    first = next((i for i, turn in enumerate(turns) if turn.role == "assistant"), len(turns))
    task = "\n\n".join(t.content for t in turns[:first] if t.role == "user")
    system = "\n\n".join(t.content for t in turns[:first] if t.role == "system")
    return task, system, turns[first:]


# ---------------------------------------------------------------------------------------
# SWE-agent .traj


def _is_swe_agent(record: dict) -> bool:
    trajectory = record.get("trajectory")
    if (
        isinstance(trajectory, list)
        and trajectory
        and isinstance(trajectory[0], dict)
        and "action" in trajectory[0]
    ):
        return True
    history = record.get("history")
    return (
        isinstance(history, list)
        and not record.get("messages")
        and any(
            isinstance(m, dict) and "action" in m and m.get("role") == "assistant" for m in history
        )
    )


def _swe_agent(record: dict) -> tuple[str, str, list[Turn]]:
    history = [
        m for m in record.get("history") or [] if isinstance(m, dict) and not m.get("is_demo")
    ]
    task_index = next((i for i, m in enumerate(history) if m.get("role") == "user"), None)
    if task_index is None:
        raise InvalidRecord("no task: the history has no user message outside the demonstrations")
    task = _text(history[task_index].get("content"), "the task message")
    system = "\n\n".join(
        _text(m.get("content"), "the system message")
        for m in history[:task_index]
        if m.get("role") == "system"
    )
    trajectory = record.get("trajectory") or []
    if trajectory:
        return task, system, _trajectory_turns(trajectory)
    return task, system, _history_turns(history[task_index + 1 :])


def _trajectory_turns(trajectory: list) -> list[Turn]:
    turns: list[Turn] = []
    for index, step in enumerate(trajectory):
        if not isinstance(step, dict):
            raise InvalidRecord(f"trajectory[{index}] must be an object, got {type_name(step)}")
        thought = _text(step.get("thought"), f"trajectory[{index}].thought") or _text(
            step.get("response"), f"trajectory[{index}].response"
        )
        action = _text(step.get("action"), f"trajectory[{index}].action").strip()
        turns.append(Turn("assistant", thought.strip(), [ToolCall("", action)] if action else []))
        turns.append(
            Turn("tool", _text(step.get("observation"), f"trajectory[{index}].observation"))
        )
    return turns


def _history_turns(history: list[dict]) -> list[Turn]:
    """History after the task; user messages there are observations in SWE-agent."""
    turns: list[Turn] = []
    for index, message in enumerate(history):
        content = _text(message.get("content"), f"history message {index}")
        if message.get("role") == "assistant":
            thought = _text(message.get("thought"), f"history message {index} thought") or content
            calls = (
                _tool_calls(message, index)
                if message.get("tool_calls")
                else [ToolCall("", _text(message.get("action"), "action").strip())]
                if message.get("action")
                else []
            )
            turns.append(Turn("assistant", thought.strip(), calls))
        elif message.get("role") in ("tool", "user"):
            turns.append(Turn("tool", content))
    return turns


def _swe_agent_model(record: dict) -> str:
    config = record.get("replay_config")
    if isinstance(config, str):
        try:
            config = orjson.loads(config)
        except orjson.JSONDecodeError:
            return ""
    model = ((config or {}).get("agent") or {}).get("model") if isinstance(config, dict) else None
    name = model.get("name") if isinstance(model, dict) else None
    return name if isinstance(name, str) and name not in NOT_A_MODEL else ""


def _swe_agent_info(record: dict) -> dict:
    info = record.get("info")
    return (
        {"exit_status": info["exit_status"]}
        if isinstance(info, dict) and isinstance(info.get("exit_status"), str)
        else {}
    )

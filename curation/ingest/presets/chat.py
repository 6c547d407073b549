"""Chat transcripts: OpenAI ``messages`` (role/content) or ShareGPT ``conversations`` (from/value).

The trace is the last assistant turn: its reasoning is a ``reasoning_content`` (DeepSeek
API) or ``reasoning`` field, or a ``<think>`` block inside its content. The problem is the
user turns before it; a system prompt goes to ``source``. Transcripts with tool calls are
agent traces: see the ``agent`` preset.
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, TraceRecord
from ..think import has_think_tag, split_think
from ._fields import scalar_fields, teacher_from, type_name

NAME = "chat"
DESCRIPTION = (
    "chat messages (OpenAI role/content or ShareGPT from/value), "
    "reasoning in <think> or reasoning_content"
)
OPTIONS = {"teacher_model": "teacher name for records that do not name one"}

MESSAGE_FIELDS = ("messages", "conversations", "conversation")
ROLE_ALIASES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "system": "system",
    "tool": "tool",
    "function": "tool",
    "ipython": "tool",
}
REASONING_FIELDS = ("reasoning_content", "reasoning", "thinking")
TEACHER_FIELDS = ("model", "model_name", "generator", "teacher")


def score(record: dict) -> float:
    messages = _messages_or_none(record)
    if not messages or not any(_role(m) == "assistant" for m in messages):
        return 0
    if any(_role(m) == "tool" or m.get("tool_calls") for m in messages):
        return 1  # an agent transcript; the agent preset scores it higher
    thinks = any(
        _role(m) == "assistant" and (_has_reasoning_field(m) or has_think_tag(_content(m)))
        for m in messages
    )
    return 6 if thinks else 2


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    messages = _require_messages(record)
    last = _last_assistant(messages)
    reasoning, response = _split_assistant(messages[last])
    users = [_content(m) for m in messages[:last] if _role(m) == "user"]
    source = scalar_fields(record, ("id", "source", "category", "dataset"))
    systems = [_content(m) for m in messages if _role(m) == "system"]
    if systems:
        source["system"] = "\n\n".join(systems)
    if sum(1 for m in messages[:last] if _role(m) == "assistant"):
        source["earlier_turns"] = [
            {"role": _role(m), "content": _content(m)}
            for m in messages[:last]
            if _role(m) != "system"
        ]
    return TraceRecord(
        problem="\n\n".join(users),
        reasoning=reasoning,
        response=response,
        teacher_model=teacher_from(record, TEACHER_FIELDS, options),
        source=source,
    )


def _messages_or_none(record: dict) -> list[dict] | None:
    for key in MESSAGE_FIELDS:
        value = record.get(key)
        if isinstance(value, list) and value and all(isinstance(m, dict) for m in value):
            return value
    return None


def _require_messages(record: dict) -> list[dict]:
    messages = _messages_or_none(record)
    if messages is None:
        raise InvalidRecord("no 'messages' or 'conversations' list of message objects")
    for index, message in enumerate(messages):
        if _role(message) is None:
            raise InvalidRecord(
                f"message {index} has no known role (role/from): "
                f"{message.get('role', message.get('from'))!r}"
            )
        content = message.get("content", message.get("value"))
        if content is not None and not isinstance(content, (str, list)):
            raise InvalidRecord(
                f"message {index} content must be a string, got {type_name(content)}"
            )
    return messages


def _role(message: dict) -> str | None:
    role = message.get("role", message.get("from"))
    return ROLE_ALIASES.get(role.lower()) if isinstance(role, str) else None


def _content(message: dict) -> str:
    """The text of a message; OpenAI content-part lists keep only their text parts."""
    content = message.get("content", message.get("value"))
    if isinstance(content, list):
        return "\n".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return content if isinstance(content, str) else ""


def _has_reasoning_field(message: dict) -> bool:
    return any(isinstance(message.get(key), str) and message[key] for key in REASONING_FIELDS)


def _last_assistant(messages: list[dict]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        if _role(messages[index]) == "assistant":
            return index
    raise InvalidRecord("the conversation has no assistant turn")


def _split_assistant(message: dict) -> tuple[str, str]:
    content = _content(message)
    for key in REASONING_FIELDS:
        value = message.get(key)
        if isinstance(value, str) and value:
            return value.strip(), content.strip()
    split = split_think(content)
    response = split.response
    if split.prefix:  # text before <think> is still part of what the model said
        response = f"{split.prefix}\n\n{response}".strip()
    return split.reasoning, response

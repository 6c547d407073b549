"""The one text rendering of an agent transcript (tool calls, observations) used everywhere.

An agent trace is stored as plain text so annotators can read it and steps can point into
it like into any other trace. Every assistant turn opens a step; what the environment sent
back (tool results, observations, the simulated user's reply) is attached to the step of
the action that caused it. The segmenter's ``actions`` strategy re-cuts a rendered
transcript with these marker constants, so change them here and only here.

Layout (each marker alone on its line, or followed by a name on the same line)::

    [assistant]
    I should look up the user first.
    [tool call] get_user_details
    {"user_id": "mia_li_3668"}
    [tool result] get_user_details
    {"name": ...}

    [assistant]
    ...

Steps are separated by STEP_SEPARATOR; blocks inside a step by a single newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curation.traces.records import StepSpan

ASSISTANT_MARKER = "[assistant]"  # opens every step
THINKING_MARKER = "[thinking]"  # the model's hidden reasoning, when the source has it
TOOL_CALL_MARKER = "[tool call]"  # followed by " <function name>", arguments on the next lines
ACTION_MARKER = "[action]"  # a raw command (SWE-agent), on the next lines
TOOL_RESULT_MARKER = "[tool result]"  # followed by " <function name>" when known
OBSERVATION_MARKER = "[observation]"  # what the environment printed after a raw command
USER_MARKER = "[user]"  # a user turn inside the episode (tau-bench's simulated customer)
SYSTEM_MARKER = "[system]"
STEP_SEPARATOR = "\n\n"
MARKERS = (
    ASSISTANT_MARKER,
    THINKING_MARKER,
    TOOL_CALL_MARKER,
    ACTION_MARKER,
    TOOL_RESULT_MARKER,
    OBSERVATION_MARKER,
    USER_MARKER,
    SYSTEM_MARKER,
)

# What the environment sent back; inside a step, the action ends where the first of these starts.
RESULT_MARKERS = (TOOL_RESULT_MARKER, OBSERVATION_MARKER, USER_MARKER)

# Where a step starts in a rendered transcript: the assistant marker alone on a line.
STEP_START = re.compile(r"(?m)^" + re.escape(ASSISTANT_MARKER) + r"$")
# Where an observation starts inside a step: a result marker at the start of a line.
RESULT_START = re.compile(
    r"(?m)^(?:" + "|".join(re.escape(m) for m in RESULT_MARKERS) + r")(?: |$)"
)


@dataclass(slots=True)
class ToolCall:
    name: str  # "" for a raw command (rendered under ACTION_MARKER)
    arguments: str


@dataclass(slots=True)
class Turn:
    role: str  # "assistant", "user", "tool" or "system"
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    name: str = ""  # tool name of a tool result; "" renders a tool turn as an observation
    thinking: str = ""  # assistant reasoning kept apart by the source (reasoning_content)


def render_transcript(turns: list[Turn]) -> tuple[str, list[StepSpan]]:
    """Render ``turns`` to text; one StepSpan per assistant turn, with what followed it.

    Non-assistant turns before the first assistant turn are rendered as a preamble that
    belongs to no step (callers usually move the task to ``problem`` instead).
    """
    blocks: list[list[str]] = []  # a step (or the preamble) is a list of text blocks
    opens_step: list[bool] = []
    for turn in turns:
        if turn.role == "assistant" or not blocks:
            blocks.append([])
            opens_step.append(turn.role == "assistant")
        blocks[-1].extend(_turn_blocks(turn))
    return _join(blocks, opens_step)


def step_starts(text: str) -> list[int]:
    """Offsets where steps start in a rendered transcript (for re-cutting it)."""
    return [match.start() for match in STEP_START.finditer(text)]


def action_end(step_text: str) -> int:
    """Where the action of one rendered step ends: at its first result, else at its end."""
    match = RESULT_START.search(step_text)
    return match.start() if match else len(step_text)


def _turn_blocks(turn: Turn) -> list[str]:
    if turn.role == "assistant":
        blocks = [ASSISTANT_MARKER]
        if turn.thinking:
            blocks.append(f"{THINKING_MARKER}\n{turn.thinking}")
        if turn.content:
            blocks.append(turn.content)
        blocks.extend(_call_block(call) for call in turn.tool_calls)
        return blocks
    if turn.role == "tool":
        header = f"{TOOL_RESULT_MARKER} {turn.name}" if turn.name else OBSERVATION_MARKER
        return [f"{header}\n{turn.content}"]
    marker = SYSTEM_MARKER if turn.role == "system" else USER_MARKER
    return [f"{marker}\n{turn.content}"]


def _call_block(call: ToolCall) -> str:
    if call.name:
        return f"{TOOL_CALL_MARKER} {call.name}\n{call.arguments}"
    return f"{ACTION_MARKER}\n{call.arguments}"


def _join(blocks: list[list[str]], opens_step: list[bool]) -> tuple[str, list[StepSpan]]:
    parts: list[str] = []
    spans: list[StepSpan] = []
    pos = 0
    for step_blocks, is_step in zip(blocks, opens_step):
        if parts:
            parts.append(STEP_SEPARATOR)
            pos += len(STEP_SEPARATOR)
        text = "\n".join(step_blocks)
        parts.append(text)
        if is_step:
            spans.append(StepSpan(pos, pos + len(text)))
        pos += len(text)
    return "".join(parts), spans

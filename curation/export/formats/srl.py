"""``srl``: the SRL paper's step-wise instances (Deng et al. 2025, arXiv 2510.25992, sec. 4.2).

For a solution of N steps, the row for step k (1-based) holds the problem and the expert's
solution before step k as the prompt, and step k as ``expert_step``. All N targets are exported
(the paper trains on k = 1..N-1; filter ``step_index < num_steps`` to match it).

Text traces: the context is the steps field verbatim up to the start of step k (the paper's
Figure 3 keeps the solution's opening sentences before "1." as context too), or, under a
bounded context rule (``context``: the last K steps, a token budget, or the steps field's
default), the field verbatim from the first step the rule keeps. With
``next_step_title_hint`` the prompt ends with step k's title prefix ("2. **Coprime Pairs**",
the paper's note 1) and ``expert_step`` is the rest of the step: the target is always exactly
what the model is asked to write.

Agent traces (rendered by ``curation.traces.transcript``): each step is one assistant turn
followed by what the environment sent back. The context is the task and the last
``agent_context_pairs`` steps verbatim; the target is the paper's "action", the
environment-consumable part of step k (sec. 5.3): its tool calls or raw command, or, for a
turn that only talks to the user, the assistant's words; never the observation.

``prompt`` is a conversational [system, user] pair, so the rows are a prompt-only dataset for
TRL's GRPOTrainer as they are; every other column reaches the reward function as a keyword.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

import pyarrow as pa

from curation.export.context import approx_tokens, rule_of, window_starts
from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace, step_title, title_prefix_end
from curation.traces.transcript import (
    ACTION_MARKER,
    ASSISTANT_MARKER,
    TOOL_CALL_MARKER,
    action_end,
)

# A solution in the paper's rewrite format opens with its own "SOLUTION:" line; labelling it
# again would read "Solution:\nSOLUTION:".
_LABELLED_SOLUTION = re.compile(r"\A\s*solution\s*:", re.IGNORECASE)

# Where the environment-consumable part of an agent step starts.
_CALL_START = re.compile(
    r"(?m)^(?:" + re.escape(TOOL_CALL_MARKER) + "|" + re.escape(ACTION_MARKER) + r")(?: |$)"
)

# The context label when the rule left earlier steps out, so the model is not told that the
# solution starts where its context does.
_OMITTED_LABEL = "Solution (earlier steps omitted)"

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])

SCHEMA = pa.schema(
    [
        ("prompt", pa.list_(MESSAGE)),
        ("expert_step", pa.string()),
        ("step_title", pa.string()),
        ("step_index", pa.int64()),
        ("num_steps", pa.int64()),
        ("step_type", pa.string()),
        ("step_rating", pa.int64()),
        ("kind", pa.string()),
        ("trace_id", pa.int64()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("version", pa.int64()),
    ]
)


def srl_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per step of the trace, in step order (the first ``srl_max_steps_per_trace``
    steps' rows when the build caps them: the rest are dropped, the trace is kept)."""
    rows = _agent_rows(trace, options) if trace.kind == "agent" else _text_rows(trace, options)
    return islice(rows, options.srl_max_steps_per_trace)


def capped_rows(trace: ExportTrace, options: BuildOptions) -> int:
    """How many of the trace's SRL rows the cap drops."""
    cap = options.srl_max_steps_per_trace
    return 0 if cap is None else max(0, len(trace.steps) - cap)


def _text_rows(trace: ExportTrace, options: BuildOptions) -> Iterator[dict]:
    text = trace.steps_text
    system = {"role": "system", "content": options.system_prompt}
    starts = _context_starts(trace, options)
    for index, step in enumerate(trace.steps, start=1):
        step_text = text[step.start:step.end].strip()
        title = step_title(step, step_text)
        hint, target = _hint_and_target(step_text, index, title, options.next_step_title_hint)
        first = starts[index - 1]
        if first == 0:  # every previous step: the field verbatim up to this step
            context, label = text[: step.start], "Solution"
        else:
            context, label = text[trace.steps[first].start: step.start], _OMITTED_LABEL
        user = _user_message("Question", trace.problem, label, context, hint)
        yield _row(trace, options, index, [system, user], target, title)


def _context_starts(trace: ExportTrace, options: BuildOptions) -> list[int]:
    """The first previous step each row keeps, by the build's context rule."""
    rule = rule_of(trace.steps_field, options)
    if not rule.bounded:
        return [0] * len(trace.steps)
    return window_starts([approx_tokens(trace.step_text(s)) for s in trace.steps], rule)


def _hint_and_target(
    step_text: str, index: int, title: str | None, hinted: bool
) -> tuple[str, str]:
    if not hinted or title is None:
        return "", step_text
    cut = title_prefix_end(step_text)
    if cut:
        return step_text[:cut], step_text[cut:].strip()
    # A title the segmentation gave but the text does not carry: hinted in the paper's form,
    # and not part of the target since the text never wrote it.
    return f"{index}. **{title}**", step_text


def _agent_rows(trace: ExportTrace, options: BuildOptions) -> Iterator[dict]:
    texts = [trace.step_text(step).strip() for step in trace.steps]
    system = {"role": "system", "content": options.agent_system_prompt}
    pairs = options.agent_context_pairs
    for index, step in enumerate(trace.steps, start=1):
        recent = "\n\n".join(texts[max(0, index - 1 - pairs): index - 1])
        user = _user_message("Task", trace.problem, "Recent actions and observations", recent, "")
        target = agent_action(texts[index - 1])
        title = step_title(step, texts[index - 1])
        yield _row(trace, options, index, [system, user], target, title)


def agent_action(step_text: str) -> str:
    """The action of one rendered agent step: its calls or command, else its words."""
    action = step_text[: action_end(step_text)].rstrip()
    call = _CALL_START.search(action)
    if call:
        return action[call.start():]
    return action.removeprefix(ASSISTANT_MARKER).strip()


def _user_message(
    problem_label: str, problem: str, context_label: str, context: str, hint: str
) -> dict[str, str]:
    parts = [f"{problem_label}: {problem}"]
    context = context.strip()
    context_parts = [part for part in (context, hint) if part]
    if context_parts:
        label = "" if _LABELLED_SOLUTION.match(context) else f"{context_label}:\n"
        parts.append(label + "\n\n".join(context_parts))
    return {"role": "user", "content": "\n\n".join(parts)}


def _row(
    trace: ExportTrace,
    options: BuildOptions,
    index: int,
    prompt: list[dict[str, str]],
    target: str,
    title: str | None,
) -> dict[str, Any]:
    step = trace.steps[index - 1]
    return {
        "prompt": prompt,
        "expert_step": target,
        "step_title": title,
        "step_index": index,
        "num_steps": len(trace.steps),
        "step_type": step.type,
        "step_rating": step.rating,
        "kind": trace.kind,
        "trace_id": trace.trace_id,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "version": options.version,
    }

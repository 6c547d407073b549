"""The SRL step reward, shipped with every Stepwise dataset version (as ``srl_reward.py``).

Supervised Reinforcement Learning (Deng et al. 2025, arXiv 2510.25992, sec. 4.2) rewards a
model's step by how closely it matches the expert's step:

* the completion must be ``<think>inner monologue</think>`` followed by a non-empty step
  (exactly one think block, opened at the very start); anything else is malformed: -1.0;
* otherwise the reward is ``difflib.SequenceMatcher(None, step, expert_step,
  autojunk=False).ratio()``, i.e. 2M/T, where M is the number of characters in the matching
  blocks and T the total length of both strings; in [0, 1]. Both strings are compared with
  surrounding whitespace stripped (the newline after ``</think>`` is layout, not content).

Use with TRL's GRPOTrainer on a Stepwise ``srl`` dataset (its ``expert_step`` column reaches
the reward function as a keyword argument)::

    from stepwise_reward import srl_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[srl_reward], train_dataset=dataset["train"])

If the chat template already opens the think block in the prompt, use
``make_srl_reward(think_open_in_prompt=True)``.

Plain Python (standard library only, Python 3.8+: annotations are never evaluated):
a trainer can copy this one file.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
MALFORMED_REWARD = -1.0

def completion_text(completion: str | list[dict]) -> str:
    """The generated text: a plain string, or the assistant turns of a conversational one."""
    if isinstance(completion, str):
        return completion
    parts: list[str] = []
    for message in completion:
        if message.get("role", "assistant") != "assistant":
            continue
        content = message.get("content") or ""
        if isinstance(content, str):
            parts.append(content)
        else:  # structured content: [{"type": "text", "text": ...}, ...]
            parts.extend(part.get("text", "") for part in content if part.get("type") == "text")
    return "".join(parts)


def parse_step(text: str, think_open_in_prompt: bool = False) -> str | None:
    """The step written after the think block, or None when the output is malformed."""
    body = text.lstrip()
    if not think_open_in_prompt:
        if not body.startswith(THINK_OPEN):
            return None
        body = body[len(THINK_OPEN):]
    if THINK_OPEN in body or body.count(THINK_CLOSE) != 1:
        return None
    step = body.split(THINK_CLOSE, 1)[1].strip()
    return step or None


def is_well_formed(text: str, think_open_in_prompt: bool = False) -> bool:
    """The format check the reward uses."""
    return parse_step(text, think_open_in_prompt) is not None


def step_similarity(step: str, expert_step: str) -> float:
    """2M/T between the model's step and the expert's (difflib, no junk heuristic)."""
    return SequenceMatcher(None, step.strip(), expert_step.strip(), autojunk=False).ratio()


def step_reward(
    completion: str | list[dict], expert_step: str, think_open_in_prompt: bool = False
) -> float:
    """The reward of one completion."""
    step = parse_step(completion_text(completion), think_open_in_prompt)
    return MALFORMED_REWARD if step is None else step_similarity(step, expert_step)


def srl_reward(
    completions: Sequence[str | list[dict]], expert_step: Sequence[str], **kwargs: Any
) -> list[float]:
    """TRL reward function: one reward per completion, aligned with ``expert_step``."""
    return _rewards(completions, expert_step, think_open_in_prompt=False)


def make_srl_reward(think_open_in_prompt: bool = False) -> Callable[..., list[float]]:
    """``srl_reward`` for a chat template that itself writes the opening ``<think>``."""

    def srl_reward(
        completions: Sequence[str | list[dict]], expert_step: Sequence[str], **kwargs: Any
    ) -> list[float]:
        return _rewards(completions, expert_step, think_open_in_prompt)

    return srl_reward


def _rewards(
    completions: Sequence[str | list[dict]], expert_step: Sequence[str], think_open_in_prompt: bool
) -> list[float]:
    if len(completions) != len(expert_step):
        raise ValueError(
            f"{len(completions)} completions but {len(expert_step)} expert steps: "
            "they must be aligned one to one"
        )
    return [
        step_reward(completion, expert, think_open_in_prompt)
        # zip(strict=) would need Python 3.10; the lengths were checked above.
        for completion, expert in zip(completions, expert_step)  # noqa: B905
    ]


__all__ = [
    "MALFORMED_REWARD",
    "completion_text",
    "is_well_formed",
    "make_srl_reward",
    "parse_step",
    "srl_reward",
    "step_reward",
    "step_similarity",
]

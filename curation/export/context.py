"""How much of the expert's earlier work an SRL row carries: the context rule.

The SRL paper's text setting puts every previous step in the prompt, so row k of an N-step
solution repeats k-1 steps and a trace costs O(N^2) bytes: fine for a 10-step solution, not for
1,700 steps of ``<think>`` reasoning. A rule bounds it by the last K steps (the paper's agent
setting keeps two) and/or by a token budget: the most recent whole steps whose tokens fit. Both
limits apply when both are set; a step is never cut in half, so a previous step longer than the
budget leaves no context at all.

Tokens are estimated, not counted: building a version must not load a tokenizer (a build worker
stays small), and ``approx_tokens`` (four characters a token, the usual figure for English BPE
vocabularies) is enough to bound a prompt's size.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curation.export.options import BuildOptions

CHARS_PER_TOKEN = 4


def approx_tokens(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Which previous steps an SRL row keeps; None means no limit of that kind."""

    max_steps: int | None = None
    max_tokens: int | None = None

    @property
    def bounded(self) -> bool:
        return self.max_steps is not None or self.max_tokens is not None

    def describe(self) -> str:
        limits = []
        if self.max_steps is not None:
            limits.append(f"the last {self.max_steps} steps")
        if self.max_tokens is not None:
            limits.append(f"the most recent whole steps within {self.max_tokens} tokens "
                          f"(estimated as characters / {CHARS_PER_TOKEN})")
        return " and ".join(limits) or "every previous step (the whole prefix, as in the paper)"

    def as_dict(self) -> dict[str, int | None]:
        return {"max_steps": self.max_steps, "max_tokens": self.max_tokens}


# Per steps field, when the build names no rule: a final solution (tens of steps) keeps the
# paper's whole prefix; long reasoning (hundreds of steps) keeps about 2,000 tokens, the size of
# a solution's whole prefix, so the rows of a 1,000-step trace stay linear in its length.
FIELD_DEFAULTS: dict[str, ContextRule] = {
    "response": ContextRule(),
    "reasoning": ContextRule(max_tokens=2048),
}


def rule_for(field: str, max_steps: int | None, max_tokens: int | None) -> ContextRule:
    """The rule of a build: its own limits when it set any (0 meaning no limit), else the
    steps field's default."""
    if max_steps is None and max_tokens is None:
        return FIELD_DEFAULTS.get(field, ContextRule())
    return ContextRule(max_steps or None, max_tokens or None)


def rule_of(field: str, options: BuildOptions) -> ContextRule:
    """The rule a build applies to text traces whose steps cut ``field``: the build's rule for
    that field when it names one, else ``rule_for`` its two overall limits."""
    for name, max_steps, max_tokens in options.srl_context_by_field:
        if name == field:
            return ContextRule(max_steps or None, max_tokens or None)
    return rule_for(field, options.srl_context_steps, options.srl_context_tokens)


def window_starts(step_tokens: Sequence[int], rule: ContextRule) -> list[int]:
    """For each step k (0-based), the index of the first previous step its row keeps
    (k itself when it keeps none). One pass: the window only moves forward."""
    starts, first, total = [], 0, 0
    for k in range(len(step_tokens)):
        if k:
            total += step_tokens[k - 1]
        while first < k and not _fits(k - first, total, rule):
            total -= step_tokens[first]
            first += 1
        starts.append(first)
    return starts


def _fits(count: int, tokens: int, rule: ContextRule) -> bool:
    return ((rule.max_steps is None or count <= rule.max_steps)
            and (rule.max_tokens is None or tokens <= rule.max_tokens))

"""Auto-segmentation: cut a trace field into steps, count their tokens, type them.

Plain Python over plain data (no Django, no Celery). The stages, one module each:

* ``regions``: math and code a boundary may never fall inside; ``spans``: cut positions to
  trimmed spans (where every invariant is enforced, for all strategies at once);
* ``sentences``, ``lines`` and ``moves``: sentence boundaries, line breaks that end nothing,
  and the move a sentence opens (spaCy); ``markers``: Step N, numbered items, headings;
* the strategies ``solution``, ``paragraphs``, ``discourse``, ``actions``; ``grouping``: token
  bounds shared by the strategies that have them;
* ``tokens`` (with ``counter``, ``pretokenize``, ``text_tokens``): exact token counts, fast;
* ``typing_rules``: the step types; ``evaluate``: boundary scores against gold steps.

See docs/SEGMENTATION.md for the rules, the measured quality and speed.

    steps = segment_text(trace.reasoning, "discourse", {"granularity": "move"})
    tag_steps(trace.reasoning, steps, project.label_schema)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import actions, discourse, learned, paragraphs, solution
from .context import UNCOUNTED, Context, Draft
from .schema import DEFAULT_LABEL_SCHEMA
from .steps import SegmentedStep
from .tokens import count_tokens, count_tokens_batch, counter_for, load_tokenizer
from .typing_rules import tag_steps

__all__ = [
    "DEFAULT_LABEL_SCHEMA", "STRATEGIES", "SegmentedStep", "Strategy", "check_params",
    "count_tokens", "count_tokens_batch", "default_params", "load_tokenizer", "segment_text",
    "segment_texts", "tag_steps",
]


@dataclass(frozen=True)
class Strategy:
    """A segmentation strategy: its name, parameters with defaults, and the cutting itself."""

    name: str
    cut: Callable[[Context, dict], list[Draft]]
    defaults: dict[str, Any]
    choices: dict[str, tuple] = field(default_factory=dict)
    # Fills in the defaults that depend on other parameters (a None left by ``defaults``).
    resolve: Callable[[dict], dict] | None = None
    # Cuts many texts at once where that is cheaper than one by one (``segment_texts``).
    cut_many: Callable[[list[Context], dict], list[list[Draft]]] | None = None

    def __call__(
        self, text: str, params: dict | None = None, *, tokenizer: Any = None
    ) -> list[SegmentedStep]:
        return segment_text(text, self.name, params, tokenizer=tokenizer)


STRATEGIES: dict[str, Strategy] = {
    "solution": Strategy("solution", solution.segment, solution.DEFAULTS),
    "paragraphs": Strategy("paragraphs", paragraphs.segment, paragraphs.DEFAULTS),
    "discourse": Strategy(
        "discourse", discourse.segment, discourse.DEFAULTS, discourse.CHOICES, discourse.resolve
    ),
    "actions": Strategy("actions", actions.segment, actions.DEFAULTS),
    # Trained on people's boundaries: {"model": a BoundaryModel or its file} (see learned.py).
    "learned": Strategy(
        "learned", learned.segment, learned.DEFAULTS, cut_many=learned.segment_many
    ),
}


def default_params(strategy: str) -> dict[str, Any]:
    """A fresh copy of ``strategy``'s parameters with their default values."""
    return dict(_strategy(strategy).defaults)


def segment_text(
    text: str, strategy: str, params: dict | None = None, *, tokenizer: Any = None
) -> list[SegmentedStep]:
    """Cut ``text`` into steps with ``strategy``; each step knows its token count.

    ``params`` overrides the strategy's defaults (unknown keys are an error). ``tokenizer`` is
    a transformers tokenizer, a name or path for ``load_tokenizer``, or None (DeepSeek's).
    """
    chosen = _strategy(strategy)
    context = Context(text, counter_for(tokenizer))
    drafts = chosen.cut(context, validate_params(chosen, params))
    _count_missing(context, drafts)
    return drafts


def segment_texts(
    texts: Sequence[str], strategy: str, params: dict | None = None, *, tokenizer: Any = None
) -> list[list[SegmentedStep]]:
    """``segment_text`` of every text, in order, with the same results; a strategy that can
    cut many texts together does (``learned``: one model prediction for all of them)."""
    chosen = _strategy(strategy)
    merged = validate_params(chosen, params)
    counter = counter_for(tokenizer)
    contexts = [Context(text, counter) for text in texts]
    if chosen.cut_many is None:
        cut = [chosen.cut(context, merged) for context in contexts]
    else:
        cut = chosen.cut_many(contexts, merged)
    for i, drafts in enumerate(cut):
        _count_missing(contexts[i], drafts)
        contexts[i] = None  # its text's token pieces go now, not with the whole batch
    return cut


def check_params(strategy: str, params: dict | None) -> dict[str, Any]:
    """``params`` of ``strategy`` over its defaults, checked; ``ValueError`` says what is wrong.

    What the settings form, the command and the API call before saving a configuration, so
    they refuse exactly what ``segment_text`` would refuse, with the same message.
    """
    return validate_params(_strategy(strategy), params)


def validate_params(strategy: Strategy, params: dict | None) -> dict[str, Any]:
    """``params`` over the defaults, checked: known keys, whole token counts, valid choices."""
    if params is not None and not isinstance(params, dict):
        raise ValueError(f"parameters for {strategy.name} must be an object, got {params!r}")
    merged = dict(strategy.defaults)
    unknown = set(params or {}) - set(merged)
    if unknown:
        raise ValueError(f"unknown parameter(s) for {strategy.name}: {', '.join(sorted(unknown))}")
    merged.update(params or {})
    _check_choices(strategy, merged)
    if strategy.resolve:
        merged = strategy.resolve(merged)
    _check_token_bounds(merged)
    return merged


def _check_choices(strategy: Strategy, merged: dict[str, Any]) -> None:
    for key, value in merged.items():
        choices = strategy.choices.get(key)
        if choices and value not in choices:
            raise ValueError(f"{key} must be one of {', '.join(choices)}, got {value!r}")


def _check_token_bounds(merged: dict[str, Any]) -> None:
    for key, value in merged.items():
        whole = isinstance(value, int) and not isinstance(value, bool)
        if key.endswith("_tokens") and not (whole and value >= 0):
            raise ValueError(f"{key} must be a whole number >= 0, got {value!r}")
    low, high = merged.get("min_tokens", 0), merged.get("max_tokens", 1 << 30)
    if high < 1 or low > high:
        raise ValueError("max_tokens must be at least 1 and at least min_tokens")


def _strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join(STRATEGIES)
        raise ValueError(f"unknown strategy {name!r}; choose from {known}") from None


def _count_missing(context: Context, drafts: list[Draft]) -> None:
    """Count, together, the drafts whose tokens the strategy left to count."""
    missing = [draft for draft in drafts if draft.token_count == UNCOUNTED]
    for draft, count in zip(missing, context.count([(d.start, d.end) for d in missing])):
        draft.token_count = count

"""``discourse``: steps of long ``<think>`` reasoning, cut where the reasoning makes a move.

The text is cut into units: sentences (``sentences``), and lines where a line break ends a
thought rather than wrapping an equation or a list. Each unit start is a candidate cut, strong
when a new paragraph, a display equation or a move opener ("Wait", "Alternatively", "Let me
check", "So the answer", "First" ... see ``moves``) starts there. Then ``grouping`` applies the
token bounds.

``sentencizer``: ``rules`` (default) finds sentences with spaCy's sentencizer rules applied by
regex (``sentences``, 20 times faster); ``spacy`` runs spaCy's own sentencizer.

``granularity`` says which candidates are cuts: ``move`` (default) cuts only at strong
candidates, so a step is a whole move (a check, a backtrack, a new attempt) of several
sentences, at least ``min_tokens`` long and cut again where it would pass ``max_tokens``: about
one step per 300-1,500 characters, the size of the sections people label in long chains of
thought (docs/SEGMENTATION.md). ``sentence`` cuts at every unit, the unit that published
sentence-level annotations of reasoning traces use (thought-anchors, the MATH-500
trace-topology parser). The token bounds default per granularity (``BOUNDS``).
"""
from __future__ import annotations

import re

from .context import Context, Draft
from .grouping import group
from .lines import continues
from .sentences import LINE, PARAGRAPH, boundaries, spacy_boundaries
from .spans import Span, spans_from_cuts

# None: the granularity's own bound (``BOUNDS``), so that {"granularity": "sentence"} alone
# gives one step per sentence and {"granularity": "move"} alone gives labelable moves.
DEFAULTS = {"granularity": "move", "sentencizer": "rules", "min_tokens": None, "max_tokens": None}
CHOICES = {"granularity": ("sentence", "move"), "sentencizer": ("rules", "spacy")}
BOUNDS = {"move": (100, 400), "sentence": (0, 400)}


def resolve(params: dict) -> dict:
    """The token bounds left at None take the granularity's; a default min stays well under a
    given max (a step closes only once it holds ``min_tokens``, so min = max would overflow)."""
    low, high = BOUNDS[params["granularity"]]
    resolved = dict(params)
    if resolved["max_tokens"] is None:
        resolved["max_tokens"] = high
    if resolved["min_tokens"] is None:
        maximum = resolved["max_tokens"]
        resolved["min_tokens"] = min(low, maximum // 4) if isinstance(maximum, int) else low
    return resolved

_DISPLAY_START = re.compile(r"\\\[|\$\$|\\begin\{")


def segment(ctx: Context, params: dict) -> list[Draft]:
    units, kinds = units_of(ctx, params["sentencizer"])
    strong = _strong_starts(ctx, units, kinds, params["granularity"])
    tokens = ctx.count(units)
    return group(units, tokens, strong, params["min_tokens"], params["max_tokens"])


def units_of(ctx: Context, sentencizer: str = "rules") -> tuple[list[Span], list[str]]:
    """Sentence/line units of the text and the kind of boundary before each."""
    kinds: dict[int, str] = {}
    found = spacy_boundaries(ctx.text) if sentencizer == "spacy" else boundaries(ctx.text)
    for pos, kind in found:
        if kind != LINE or _line_break_ends_unit(ctx.text, pos):
            kinds[pos] = kind
    units = spans_from_cuts(ctx.text, kinds, ctx.regions)
    return units, [kinds.get(start, PARAGRAPH) for start, _ in units]


def _line_break_ends_unit(text: str, pos: int) -> bool:
    """Whether the single line break before ``pos`` separates two units."""
    line_end = text.rfind("\n", 0, pos)
    previous = text[text.rfind("\n", 0, line_end) + 1 : line_end]
    line = text[pos : _line_end(text, pos)]
    return not continues(previous, line)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _strong_starts(
    ctx: Context, units: list[Span], kinds: list[str], granularity: str
) -> list[bool]:
    """Whether each unit should start a step: every unit, or (``move``) those opening one."""
    if granularity == "sentence":
        return [True] * len(units)
    text = ctx.text
    # A paragraph starts a step whatever it opens with: only the other units' moves matter.
    inside = [start for (start, _), kind in zip(units, kinds) if kind != PARAGRAPH]
    moves = ctx.moves.kinds(text, inside)
    opening = {start for start, move in zip(inside, moves) if move is not None}
    return [
        kind == PARAGRAPH or start in opening or _DISPLAY_START.match(text, start) is not None
        for (start, _), kind in zip(units, kinds)
    ]

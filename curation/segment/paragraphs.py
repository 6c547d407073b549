"""``paragraphs``: one step per blank-line separated block, within token bounds.

Blocks below ``min_tokens`` (a lone heading, "**Case 1**") are merged into the block that
follows; blocks above ``max_tokens`` are split at sentence boundaries. A blank line inside a
display equation or a code block separates nothing.
"""
from __future__ import annotations

import re

from .context import Context, Draft
from .grouping import group
from .sentences import boundaries
from .spans import Span, spans_from_cuts

DEFAULTS = {"min_tokens": 8, "max_tokens": 400}

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def segment(ctx: Context, params: dict) -> list[Draft]:
    blocks = blocks_of(ctx)
    block_tokens = ctx.count(blocks)
    if not blocks or max(block_tokens) <= params["max_tokens"]:  # no block to split
        strong = [True] * len(blocks)
        return group(blocks, block_tokens, strong, params["min_tokens"], params["max_tokens"])
    units: list[Span] = []
    tokens: list[int] = []
    strong: list[bool] = []
    for block, count in zip(blocks, block_tokens):
        pieces = _sentences(ctx, block) if count > params["max_tokens"] else [block]
        counts = ctx.count(pieces) if len(pieces) > 1 else [count]
        units.extend(pieces)
        tokens.extend(counts)
        strong.extend([True] + [False] * (len(pieces) - 1))
    return group(units, tokens, strong, params["min_tokens"], params["max_tokens"])


def blocks_of(ctx: Context) -> list[Span]:
    """The blank-line separated blocks of the text."""
    cuts = [m.end() for m in _BLANK_LINE.finditer(ctx.text)]
    return spans_from_cuts(ctx.text, cuts, ctx.regions)


def _sentences(ctx: Context, block: Span) -> list[Span]:
    start, end = block
    cuts = [pos for pos, _ in boundaries(ctx.text, start, end)]
    return spans_from_cuts(ctx.text, cuts, ctx.regions, start, end)

"""From proposed cut positions to step spans that keep every invariant.

Strategies only propose where a step should start. This module is the one place that turns
those proposals into spans, so the guarantees hold for every strategy at once: spans are
ordered, non-overlapping, inside the text, trimmed to non-whitespace at both ends, never
empty, never cut inside a protected region, and together they cover every non-whitespace
character (cutting partitions the text; trimming removes only whitespace).
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import compress, islice
from operator import add, lt, sub

from .regions import Regions

Span = tuple[int, int]


def trim(text: str, start: int, end: int) -> Span | None:
    """``[start, end)`` without surrounding whitespace, or None when only whitespace is left."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + lead + len(stripped)


def spans_from_cuts(
    text: str, cuts: Iterable[int], regions: Regions, start: int = 0, end: int | None = None
) -> list[Span]:
    """Cut ``text[start:end]`` at every allowed position of ``cuts`` and trim the pieces."""
    end = len(text) if end is None else end
    bounds = regions.filter(_in_order(list(cuts), start, end))
    lefts = [start, *bounds]
    # ``trim`` for every piece at once (C-level maps: a long trace has thousands of pieces).
    right_trimmed = list(map(str.rstrip, map(text.__getitem__, map(slice, lefts, [*bounds, end]))))
    rights = list(map(add, lefts, map(len, right_trimmed)))
    stripped = list(map(len, map(str.lstrip, right_trimmed)))
    # A piece of whitespace only (``stripped`` 0) gives no span.
    return list(compress(zip(map(sub, rights, stripped), rights), stripped))


def _in_order(cuts: list[int], start: int, end: int) -> list[int]:
    """The distinct cuts strictly between ``start`` and ``end``, sorted (most callers' cuts
    are already: checked at C level, without building a set)."""
    if cuts and start < cuts[0] and cuts[-1] < end and all(map(lt, cuts, islice(cuts, 1, None))):
        return cuts
    return sorted({c for c in cuts if start < c < end})

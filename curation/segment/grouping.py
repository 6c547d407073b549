"""Token bounds: group consecutive units (sentences, blocks) into steps of a sensible size.

One greedy pass serves ``paragraphs`` and ``discourse``: a step grows unit by unit and is
closed before a unit that opens something new (a "strong" boundary: a paragraph, a move ...)
once it holds ``min_tokens``, or before any unit that would push it past ``max_tokens``. A step
below ``min_tokens`` is therefore merged into what follows it, a last one into what precedes
it, and a long run of units is cut at the unit boundary where it reaches ``max_tokens``.
"""
from __future__ import annotations

from itertools import repeat

from .context import UNCOUNTED, Draft
from .spans import Span
from .steps import SegmentedStep


def group(
    units: list[Span], tokens: list[int], strong: list[bool], min_tokens: int, max_tokens: int
) -> list[Draft]:
    """Steps made of whole units; ``strong[i]`` says whether a step should start at unit i."""
    if not units:
        return []
    starts = [0]
    size = tokens[0]
    for i in range(1, len(units)):
        if size >= min_tokens and (strong[i] or size + tokens[i] > max_tokens):
            starts.append(i)
            size = tokens[i]
        else:
            size += tokens[i]
    if len(starts) > 1 and size < min_tokens:
        starts.pop()  # a short last step joins the one before it
    return _drafts(units, tokens, starts)


def _drafts(units: list[Span], tokens: list[int], starts: list[int]) -> list[Draft]:
    """One draft per run of units; a single unit keeps its count, a run is counted later
    (its text includes the whitespace between units, which has tokens of its own)."""
    stops = [*starts[1:], len(units)]
    begins = [units[first][0] for first in starts]
    ends = [units[stop - 1][1] for stop in stops]
    runs = zip(starts, stops)
    counts = [tokens[first] if stop - first == 1 else UNCOUNTED for first, stop in runs]
    return list(map(SegmentedStep, begins, ends, repeat(""), counts))

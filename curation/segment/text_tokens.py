"""Token counts of many spans of one text: ``TextTokens``.

A strategy counts spans of one text, several times over (blocks, then the sentences of a long
block, then the runs of units that make a step). ``TokenCounter.count_many`` would copy each
span, scan it for added tokens and glue its spaces (regex passes over the text) every time.
Instead the whole text is prepared once, as ``count_many`` would prepare it alone, and each
span is counted as ``TokenCounter.count_prepared`` counts its slice of the prepared text: the
sum over the cache keys the slice is cut into. The whole prepared text is cut into keys once,
with running totals of their counts (``_TextKeys``), so that a span costs the look-ups of its
first and last keys only, however many words it has and however many stages count it.

A slice of the prepared text is the span prepared on its own, because gluing a space depends
only on the characters next to it and added tokens are replaced in place by pieces of their own
length: as long as the span does not end in whitespace (strategies' spans are trimmed:
``spans``) and does not start or end inside an added token's piece. Other spans, and texts that
hold the counter's mark characters, are counted from their own text by ``count_many``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, chain, repeat
from operator import add, ge, le, sub

from .counter import _BARE, TokenCounter, _has_marks
from .spans import Span

_WHITESPACE = re.compile(r"\s")


class TextTokens:
    """Exact token counts of spans of ``text`` (``count``)."""

    def __init__(self, counter: TokenCounter, text: str) -> None:
        self.counter = counter
        self.text = text
        self._prepared: str | None = None  # the text prepared, every position kept
        self._added: list[tuple[int, int]] = []  # where its added tokens are
        self._text_keys: _TextKeys | None = None  # the prepared text cut into keys, counted
        if counter.fast and not _has_marks(text):
            self._added = counter.added_spans(text)
            self._prepared = counter.prepare(text, self._added)

    def count(self, spans: list[Span]) -> list[int]:
        """Token counts of ``text[s:e]`` for each ``(s, e)`` of ``spans``."""
        prepared = self._prepared
        if prepared is not None and spans and self._all_sliceable(spans):
            return self._keys().count(spans)
        if prepared is None:
            return self.counter.count_many([self.text[s:e] for s, e in spans])
        sliceable = [self._all_sliceable([span]) for span in spans]
        ours = [span for span, ok in zip(spans, sliceable) if ok]
        theirs = [self.text[s:e] for (s, e), ok in zip(spans, sliceable) if not ok]
        counts = iter(self._keys().count(ours) if ours else [])
        others = iter(self.counter.count_many(theirs))
        return [next(counts) if ok else next(others) for ok in sliceable]

    def _keys(self) -> _TextKeys:
        if self._text_keys is None:
            self._text_keys = _TextKeys(self.counter, self._prepared)
        return self._text_keys

    def _all_sliceable(self, spans: list[Span]) -> bool:
        """Whether the prepared slice of every span is that span prepared on its own: the
        span is not empty, does not end in whitespace (except at the text's end) and has no
        bound strictly inside an added token. Checked for all spans at once, at C level (a
        trace has thousands); where it says False, each span is asked on its own."""
        text = self._prepared
        bounds = list(chain.from_iterable(spans))
        starts, ends = bounds[::2], bounds[1::2]
        if min(starts) < 0 or max(ends) > len(text) or any(map(ge, starts, ends)):
            return False
        lasts = "".join(map(text.__getitem__, map((-1).__add__, ends)))
        if _WHITESPACE.search(lasts) and not (len(spans) == 1 and ends[0] == len(text)):
            return False
        if self._added:
            bounds.sort()
            for start, end in self._added:
                inside = bisect_right(bounds, start)
                if inside < len(bounds) and bounds[inside] < end:
                    return False
        return True


class _TextKeys:
    """The prepared text cut into cache keys once, with running totals of their counts.

    ``count_prepared`` counts a slice ``prepared[s:e]`` by cutting it at its spaces: a first
    key (the slice up to its first space, marked ``_BARE``: no space before it), the words
    between two of its spaces, and a last key (after its last space, up to ``e``). The words
    between are words of the whole text, cut the same way, so their counts are a difference of
    running totals (word ``i`` of the text follows its ``i``-th space), and only the two edge
    keys are looked up per span: the same keys, hence the same count, at two lookups a span
    instead of one a word (and a step's words are not looked up again after its sentences').
    """

    def __init__(self, counter: TokenCounter, prepared: str) -> None:
        self.counter = counter
        self.prepared = prepared
        words = prepared.split(" ")
        words[0] = _BARE + words[0]
        self.totals = [0, *accumulate(counter.count_keys(words))]

    def count(self, spans: list[Span]) -> list[int]:
        """``count_prepared`` of ``prepared[s:e]`` for each ``(s, e)`` of ``spans``."""
        prepared = self.prepared
        bounds = list(chain.from_iterable(spans))
        starts, ends = bounds[::2], bounds[1::2]
        first_spaces = list(map(prepared.find, repeat(" "), starts, ends))
        last_spaces = list(map(prepared.rfind, repeat(" "), starts, ends))
        # A span without a space is one key: its first key runs to its end, its last is empty.
        alone = [i for i, space in enumerate(first_spaces) if space == -1]
        for i in alone:
            first_spaces[i] = last_spaces[i] = ends[i]
        firsts = map(_BARE.__add__, map(prepared.__getitem__, map(slice, starts, first_spaces)))
        lasts = map(prepared.__getitem__, map(slice, map((1).__add__, last_spaces), ends))
        edges = self.counter.count_keys([*firsts, *lasts])
        # Word ``i`` of the text follows its ``i``-th space: a span with ``a`` spaces before
        # its start and ``b`` before its end holds words a + 1 .. b - 1 whole.
        spaces = _spaces_before(prepared, bounds)
        totals = self.totals.__getitem__
        inner = map(sub, map(totals, spaces[1::2]), map(totals, map((1).__add__, spaces[::2])))
        counts = list(map(add, map(add, edges[: len(spans)], edges[len(spans) :]), inner))
        for i in alone:
            counts[i] = edges[i]
        return counts


def _spaces_before(text: str, positions: list[int]) -> list[int]:
    """How many spaces ``text`` has before each of ``positions`` (counted between neighbours
    when they are in order, as a strategy's spans are)."""
    if all(map(le, positions, positions[1:])):
        return list(accumulate(map(text.count, repeat(" "), [0, *positions[:-1]], positions)))
    return [text.count(" ", 0, pos) for pos in positions]

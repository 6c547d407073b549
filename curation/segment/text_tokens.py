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

from itertools import chain

import numpy as np

from .counter import _BARE, TokenCounter, _has_marks, is_space
from .spans import Span


class TextTokens:
    """Exact token counts of spans of ``text`` (``count``)."""

    def __init__(self, counter: TokenCounter, text: str) -> None:
        self.counter = counter
        self.text = text
        self._prepared: str | None = None  # the text prepared, every position kept
        self._added: list[tuple[int, int]] = []  # where its added tokens are
        self._text_keys: _TextKeys | None = None  # the prepared text cut into keys, counted
        self._points: np.ndarray | None = None  # the prepared text's code points
        if counter.fast and not _has_marks(text):
            self._added = counter.added_spans(text)
            self._prepared = counter.prepare(text, self._added)

    def count(self, spans: list[Span]) -> list[int]:
        """Token counts of ``text[s:e]`` for each ``(s, e)`` of ``spans``."""
        if self._prepared is None or not spans:
            return self.counter.count_many([self.text[s:e] for s, e in spans])
        bounds = np.fromiter(chain.from_iterable(spans), np.intp, 2 * len(spans))
        starts, ends = bounds[::2], bounds[1::2]
        sliceable = self._sliceable(starts, ends)
        if sliceable.all():
            return self._keys().count(starts, ends).tolist()
        counts = np.zeros(len(spans), np.int64)
        if sliceable.any():
            counts[sliceable] = self._keys().count(starts[sliceable], ends[sliceable])
        others = np.flatnonzero(~sliceable).tolist()
        texts = [self.text[spans[i][0] : spans[i][1]] for i in others]
        counts[others] = self.counter.count_many(texts)
        return counts.tolist()

    def _keys(self) -> _TextKeys:
        if self._text_keys is None:
            self._text_keys = _TextKeys(self.counter, self._prepared, self._code_points())
        return self._text_keys

    def _code_points(self) -> np.ndarray:
        if self._points is None:
            self._points = np.frombuffer(self._prepared.encode("utf-32-le"), np.uint32)
        return self._points

    def _sliceable(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Whether the prepared slice of each span is that span prepared on its own: the span
        is not empty, does not end in whitespace (except at the text's end) and has no bound
        strictly inside an added token. For all spans at once, in numpy (a trace has
        hundreds); the others are counted from their own text."""
        size = len(self._prepared)
        sliceable = (starts >= 0) & (ends <= size) & (starts < ends)
        if not sliceable.any():
            return sliceable
        last = self._code_points()[np.where(sliceable, ends - 1, 0)]
        sliceable &= (ends == size) | ~is_space(last)
        if self._added:
            added_starts, added_ends = np.array(self._added, np.intp).T
            for bound in (starts, ends):
                before = np.searchsorted(added_starts, bound) - 1  # the token starting before
                inside = (before >= 0) & (bound < added_ends[np.maximum(before, 0)])
                sliceable &= ~inside
        return sliceable


class _TextKeys:
    """The prepared text cut into cache keys once, with running totals of their counts.

    ``count_prepared`` counts a slice ``prepared[s:e]`` by cutting it at its spaces: a first
    key (the slice up to its first space, marked ``_BARE``: no space before it), the words
    between two of its spaces, and a last key (after its last space, up to ``e``). The words
    between are words of the whole text, cut the same way, so their counts are a difference of
    running totals, and only the edge keys are looked up: the first key of every span, and the
    last only where the span ends inside a word (a span that ends where its word ends, before a
    space, as most sentences do, takes that word's count from the totals too). The spans'
    words are found by binary search over the words' ends, for all spans at once in numpy: a
    trace has hundreds of units, and a few C calls per span were most of the counting's cost.
    """

    def __init__(self, counter: TokenCounter, prepared: str, code_points: np.ndarray) -> None:
        self.counter = counter
        self.prepared = prepared
        words = prepared.split(" ")
        # Where word ``i`` ends: at the space after it (the text's end after the last word).
        self.word_ends = np.append(np.flatnonzero(code_points == ord(" ")), len(prepared))
        words[0] = _BARE + words[0]
        counts = counter.count_keys(words)
        self.totals = np.concatenate(([0], np.cumsum(counts)))  # of the words before word i

    def count(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``count_prepared`` of ``prepared[s:e]`` for each pair of ``starts`` and ``ends``."""
        prepared, word_ends, totals = self.prepared, self.word_ends, self.totals
        # The words each span starts and ends in (its spaces are those after words
        # first .. last - 1).
        first = np.searchsorted(word_ends, starts)
        last = np.searchsorted(word_ends, ends)
        first_key_ends = np.minimum(word_ends[first], ends)
        several = first < last
        cut_short = np.flatnonzero(several & (word_ends[last] != ends))
        last_key_starts = word_ends[last[cut_short] - 1] + 1
        keys = [
            *map(_BARE.__add__, _slices(prepared, starts, first_key_ends)),
            *_slices(prepared, last_key_starts, ends[cut_short]),
        ]
        edges = self.counter.count_keys(keys)
        counts = edges[: len(starts)]
        # Whole words after the first: through the last, or before it where it is cut short.
        through = last + 1
        through[cut_short] = last[cut_short]
        counts += np.where(several, totals[through] - totals[first + 1], 0)
        counts[cut_short] += edges[len(starts) :]
        return counts


def _slices(text: str, starts: np.ndarray, ends: np.ndarray) -> map:
    """``text[s:e]`` for each pair."""
    return map(text.__getitem__, map(slice, starts.tolist(), ends.tolist()))

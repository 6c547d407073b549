"""Token counts of many spans of one text: ``TextTokens``.

A strategy counts spans of one text, several times over (blocks, then the sentences of a long
block, then the runs of units that make a step). ``TokenCounter.count_many`` would copy each
span, scan it for added tokens and glue its spaces (regex passes over the text) every time.
Instead the whole text is prepared once, as ``count_many`` would prepare it alone, and each
span is counted from its slice of the prepared text (``TokenCounter.count_prepared``): the
slices of one call are joined and cut into cache keys in one pass, and each span's count is the
sum over its keys.

A slice of the prepared text is the span prepared on its own, because gluing a space depends
only on the characters next to it and added tokens are replaced in place by pieces of their own
length: as long as the span does not end in whitespace (strategies' spans are trimmed:
``spans``) and does not start or end inside an added token's piece. Other spans, and texts that
hold the counter's mark characters, are counted from their own text by ``count_many``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import chain
from operator import ge

from .counter import TokenCounter, _has_marks
from .spans import Span

_WHITESPACE = re.compile(r"\s")


class TextTokens:
    """Exact token counts of spans of ``text`` (``count``)."""

    def __init__(self, counter: TokenCounter, text: str) -> None:
        self.counter = counter
        self.text = text
        self._prepared: str | None = None  # the text prepared, every position kept
        self._added: list[tuple[int, int]] = []  # where its added tokens are
        if counter.fast and not _has_marks(text):
            self._added = counter.added_spans(text)
            self._prepared = counter.prepare(text, self._added)

    def count(self, spans: list[Span]) -> list[int]:
        """Token counts of ``text[s:e]`` for each ``(s, e)`` of ``spans``."""
        prepared = self._prepared
        if prepared is not None and spans and self._all_sliceable(spans):
            return self.counter.count_prepared([prepared[s:e] for s, e in spans])
        if prepared is None:
            return self.counter.count_many([self.text[s:e] for s, e in spans])
        sliceable = [self._all_sliceable([span]) for span in spans]
        ours = [prepared[s:e] for (s, e), ok in zip(spans, sliceable) if ok]
        theirs = [self.text[s:e] for (s, e), ok in zip(spans, sliceable) if not ok]
        counts = iter(self.counter.count_prepared(ours) if ours else [])
        others = iter(self.counter.count_many(theirs))
        return [next(counts) if ok else next(others) for ok in sliceable]

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

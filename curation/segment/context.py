"""What every strategy gets (the text, its protected regions, a token counter) and returns."""
from __future__ import annotations

from dataclasses import dataclass, field

from .moves import MoveMatcher, move_matcher
from .regions import Regions, find_regions
from .spans import Span
from .steps import SegmentedStep
from .text_tokens import TextTokens
from .tokens import TokenCounter

# A step as a strategy proposes it is the step itself (one object per step: a long trace has
# thousands), its ``token_count`` ``UNCOUNTED`` where the strategy left counting to
# ``segment_text``.
Draft = SegmentedStep
UNCOUNTED = -1


def draft(start: int, end: int, tokens: int | None = None, title: str = "") -> Draft:
    """A step from ``start`` to ``end``; ``tokens`` None when not counted yet."""
    return SegmentedStep(start, end, "", UNCOUNTED if tokens is None else tokens, title)


@dataclass(slots=True)
class Context:
    """One text being cut. Regions are found once and shared by every stage."""

    text: str
    counter: TokenCounter
    regions: Regions = field(init=False)
    _tokens: TextTokens | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.regions = find_regions(self.text)

    @property
    def moves(self) -> MoveMatcher:
        return move_matcher()

    def count(self, spans: list[Span]) -> list[int]:
        """Token counts of ``spans`` of the text (the text is cut into pieces once, on the
        first call, and every later call reuses them)."""
        if self._tokens is None:
            self._tokens = TextTokens(self.counter, self.text)
        return self._tokens.count(spans)

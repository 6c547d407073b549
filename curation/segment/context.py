"""What every strategy gets (the text, its protected regions, a token counter) and returns."""
from __future__ import annotations

from dataclasses import dataclass, field

from .moves import MoveMatcher, move_matcher
from .regions import Regions, find_regions
from .spans import Span
from .tokens import TokenCounter


@dataclass(slots=True)
class Draft:
    """A step as a strategy proposes it; ``tokens`` is None when not counted yet."""

    start: int
    end: int
    tokens: int | None = None
    title: str = ""


@dataclass(slots=True)
class Context:
    """One text being cut. Regions are found once and shared by every stage."""

    text: str
    counter: TokenCounter
    regions: Regions = field(init=False)

    def __post_init__(self) -> None:
        self.regions = find_regions(self.text)

    @property
    def moves(self) -> MoveMatcher:
        return move_matcher()

    def count(self, spans: list[Span]) -> list[int]:
        """Token counts of ``spans`` of the text, in one batch."""
        return self.counter.count_many([self.text[s:e] for s, e in spans])

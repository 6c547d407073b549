"""An annotator's segmentation against a gold one: boundary F1, type and rating accuracy.

Boundaries as in agreement (``boundaries``, the same tolerance): precision is the share of the
annotator's cuts that gold has, recall the share of gold's cuts the annotator found. Type and
rating accuracy are measured on the steps that match gold (``units``): the share of matched
steps whose gold type (rating) the annotator gave, over the matched steps gold labels (a missing
label of the annotator counts as wrong). Steps the annotator cut differently count in the
boundary figures only. ``GoldResult`` holds counts, so results add up (``pooled``) per annotator.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .agreement import compare_pair
from .annotations import Annotation, TokenMap, prepare
from .boundaries import BoundaryCounts


@dataclass(slots=True)
class GoldResult:
    """Counts of one gold item or, summed, of many."""

    items: int = 0
    cuts: int = 0
    gold_cuts: int = 0
    matched_cuts: int = 0
    typed: int = 0  # matched steps that gold typed
    type_correct: int = 0
    rated: int = 0  # matched steps that gold rated
    rating_correct: int = 0

    @property
    def boundaries(self) -> BoundaryCounts:
        return BoundaryCounts(self.cuts, self.gold_cuts, self.matched_cuts)

    @property
    def boundary_f1(self) -> float:
        return self.boundaries.f1

    @property
    def type_accuracy(self) -> float | None:
        return self.type_correct / self.typed if self.typed else None

    @property
    def rating_accuracy(self) -> float | None:
        return self.rating_correct / self.rated if self.rated else None

    def add(self, other: GoldResult) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def gold_accuracy(
    annotation: Annotation,
    gold: Annotation,
    *,
    text: str | None = None,
    tolerance: int = 0,
    tokens: TokenMap | None = None,
) -> GoldResult:
    """Score one annotation of a gold item against the gold segmentation."""
    mine, truth = prepare(annotation, text, tokens), prepare(gold, text, tokens)
    pair, steps = compare_pair(mine, truth, tolerance)
    result = GoldResult(1, len(mine.cuts), len(truth.cuts), pair.boundaries.matched)
    for s, t in steps:
        given, expected = mine.steps[s], truth.steps[t]
        if expected.type is not None:
            result.typed += 1
            result.type_correct += given.type == expected.type
        if expected.rating is not None:
            result.rated += 1
            result.rating_correct += given.rating == expected.rating
    return result


def pooled(results: Iterable[GoldResult]) -> GoldResult:
    """The sum of many gold results (micro-averaged accuracy)."""
    total = GoldResult()
    for result in results:
        total.add(result)
    return total

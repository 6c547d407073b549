"""Turning a source's "first wrong step" label into per-step ratings (PRM800K scale)."""

from __future__ import annotations

from collections.abc import Iterable

from curation.traces.records import InvalidRecord, StepSpan


def first_error_ratings(
    count: int, first_error: int | None, also_wrong: Iterable[int] = ()
) -> list[int | None]:
    """Ratings for ``count`` steps given the 0-based index of the first wrong step.

    Steps before it are +1 (an expert checked them and found no error), the step itself
    is -1. Steps after it are None (unrated), not +1: they build on a wrong step, and the
    sources (ProcessBench, BIG-Bench-Mistake, like PRM800K phase 2) stop judging at the
    first error, so a +1 there would be a label nobody gave. ``also_wrong`` marks further
    steps the source does call wrong (PRMBench lists every injected error) as -1.
    ``first_error=None`` means the whole solution was judged correct: all +1.
    """
    if first_error is None:
        return [1] * count
    if not 0 <= first_error < count:
        raise InvalidRecord(f"first wrong step {first_error} is outside the {count} steps")
    ratings: list[int | None] = [1] * first_error + [-1] + [None] * (count - first_error - 1)
    for index in also_wrong:
        ratings[index] = -1
    return ratings


def rate(spans: list[StepSpan], ratings: list[int | None]) -> list[StepSpan]:
    for span, rating in zip(spans, ratings, strict=True):
        span.rating = rating
    return spans

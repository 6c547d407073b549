"""One annotator's steps over one trace field, as plain data, and what agreement reads of them.

``Annotation`` and ``StepLabel`` are what a caller builds from database rows: character spans
``[start, end)`` into one field text, a type key and a -1/0/+1 rating (None when not given).
``prepare`` turns one into ``Prepared``: steps in text order, whitespace-only steps dropped, and
the **cuts**, the same boundaries as ``curation.segment.evaluate`` scores: the start of every step
after the first, moved past leading whitespace when the text is given (so the whitespace a joiner
left between steps never counts). ``positions`` are the cuts on the tolerance's scale: characters,
or token indices when a token map is given (``token_index``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Annotator = str | int
TokenMap = Callable[[int], int] | Sequence[int]

_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class StepLabel:
    """One step: a half-open character span of the field text with its labels."""

    start: int
    end: int
    type: str | None = None
    rating: int | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotator's segmentation of one field text (steps in any order)."""

    annotator: Annotator
    steps: Sequence[StepLabel]


@dataclass(slots=True)
class Prepared:
    """An annotation as agreement reads it (built by ``prepare``)."""

    annotator: Annotator
    steps: list[StepLabel]  # text order, whitespace-only steps dropped
    cuts: list[int]  # character offset of each boundary (start of steps[1:], trimmed)
    positions: list[int]  # the cuts on the tolerance's scale (characters or tokens)
    # The steps' labels as flat lists (read for every matched step of every pair).
    types: list[str | None] = field(default_factory=list)
    ratings: list[int | None] = field(default_factory=list)

    @property
    def rated(self) -> bool:
        """Whether the annotator rated any step (first-error agreement needs ratings)."""
        return self.ratings.count(None) < len(self.ratings)  # list methods: in C

    @property
    def first_error(self) -> int | None:
        """Index of the first step rated -1, or None when there is none."""
        return self.ratings.index(-1) if -1 in self.ratings else None


def token_index(token_starts: Sequence[int]) -> Callable[[int], int]:
    """The index of the token holding a character offset, from the tokens' start offsets."""
    starts = list(token_starts)
    return lambda offset: max(bisect_right(starts, offset) - 1, 0)


def prepare(
    annotation: Annotation, text: str | None = None, tokens: TokenMap | None = None
) -> Prepared:
    """Sort, trim and measure one annotation; ``tokens`` is a function from a character offset
    to a token index, or the tokens' start offsets (then ``token_index`` of them)."""
    steps = sorted(annotation.steps, key=_start)
    starts = [step.start for step in steps]
    if text is not None:
        steps, starts = _trimmed_starts(text, steps)
    cuts = starts[1:]
    return Prepared(
        annotation.annotator, steps, cuts, _scaled(cuts, tokens),
        [step.type for step in steps], [step.rating for step in steps],
    )


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding whitespace, or None when only whitespace is left
    (as ``curation.segment.spans.trim``, kept here so this package does not load the segmenter)."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + lead + len(stripped)


def _start(step: StepLabel) -> int:
    return step.start


def _trimmed_starts(text: str, steps: list[StepLabel]) -> tuple[list[StepLabel], list[int]]:
    """Each step's first non-whitespace offset; whitespace-only steps dropped."""
    kept: list[StepLabel] = []
    starts: list[int] = []
    search = _NON_SPACE.search
    for step in steps:
        start = step.start
        if start < step.end and not text[start].isspace():  # already trimmed: the usual case
            kept.append(step)
            starts.append(start)
            continue
        found = search(text, start, step.end)
        if found is not None:
            kept.append(step)
            starts.append(found.start())
    return kept, starts


def _scaled(cuts: list[int], tokens: TokenMap | None) -> list[int]:
    if tokens is None:
        return cuts
    to_token = tokens if callable(tokens) else token_index(tokens)
    return [to_token(cut) for cut in cuts]

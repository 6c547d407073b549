"""Two or three annotators' steps laid over one text, in the form the adjudication page draws.

The text is one column; every annotator's cut is a marker at its own offset, in the annotator's
colour, tied to the difference it belongs to (``boundary-N``) or to none when every annotator
placed that boundary (within the tolerance). A difference of labels (``type-N``, ``rating-N``)
gets an anchor where its step starts, so the page can scroll to it. ``pieces`` interleaves the
text slices with those markers in offset order; slicing is the caller's (it escapes the text).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from curation.quality.adjudication import Differences
from curation.quality.annotations import Annotation, prepare


@dataclass(frozen=True, slots=True)
class Piece:
    """Text ``[start, end)``, or a marker at ``start`` (``kind`` "cut" or "anchor")."""

    kind: str  # "text", "cut", "anchor"
    start: int
    end: int
    annotator: int | None = None  # index of the annotator who placed a cut
    diff: str | None = None  # the difference a cut or anchor belongs to


@dataclass(frozen=True, slots=True)
class Overlay:
    pieces: list[Piece]
    cuts: list[int]  # how many cuts each annotator placed


def overlay(text: str, annotations: Sequence[Annotation], found: Differences) -> Overlay:
    """The pieces of ``text`` with every annotator's cuts and every label difference's anchor."""
    names = [a.annotator for a in annotations]
    differing = {
        (names.index(who), offset): diff.id
        for diff in found.boundaries for who, offset in diff.positions.items()
    }
    markers: list[Piece] = []
    counts = []
    for k, annotation in enumerate(annotations):
        cuts = prepare(annotation, text).cuts
        counts.append(len(cuts))
        markers += [Piece("cut", cut, cut, k, differing.get((k, cut))) for cut in cuts]
    for diff in found.labels:
        start = min(span[0] for span in diff.spans.values())
        markers.append(Piece("anchor", start, start, None, diff.id))
    markers.sort(key=lambda p: (p.start, p.kind != "anchor", p.annotator or 0))
    return Overlay(_interleave(text, markers), counts)


def _interleave(text: str, markers: list[Piece]) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = 0
    for marker in markers:
        if marker.start > cursor:
            pieces.append(Piece("text", cursor, marker.start))
            cursor = marker.start
        pieces.append(marker)
    if cursor < len(text):
        pieces.append(Piece("text", cursor, len(text)))
    return pieces

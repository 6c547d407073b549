"""Where two or three segmentations of one text differ, and the segmentation an adjudicator
makes of them by taking one side per difference.

``differences`` lays the annotations over each other with the agreement's own matching
(``boundaries``, ``units``): cuts matched within the tolerance form one boundary; a boundary that
not every annotator placed is a ``BoundaryDifference`` (who placed it, where; who did not), and a
step drawn by two or more annotators (a unit) whose type or rating differs between them is a
``LabelDifference`` (each side's span and value). Ids are stable for the same input
(``boundary-0``, ``type-3``, ``rating-1``, numbered in text order).

``resolve`` applies choices: ``Take(annotator)`` for any difference (for a boundary: keep it at
that annotator's position, or drop it if they did not place it), ``KEEP`` or ``DROP`` for a
boundary (kept at the first placer's position, in input order). A difference without a choice
follows ``base`` (as ``Take(base)``); without ``base`` it is an error. Boundaries everyone placed
stay, at ``base``'s position (or the first annotator's). The result cuts the extent the inputs
cover (first start to last end) at the kept boundaries, so it covers everything any input covered,
in ordered, non-overlapping, non-empty steps, trimmed of whitespace when the text is given.

Labels of a resulting step: when some annotator drew exactly that step (same edges), their
labels, with the chosen side's value where they differ; a step nobody drew (a boundary dropped
between two of one annotator's steps) takes the labels of the input step it overlaps most
(``base``'s first on a tie), which a reviewer should check.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from .annotations import Annotation, Annotator, Prepared, StepLabel, TokenMap, prepare, trim
from .boundaries import match_positions
from .units import END, START, Edges, cut_groups, step_groups

KEEP: Literal["keep"] = "keep"
DROP: Literal["drop"] = "drop"
LABELS = ("type", "rating")


@dataclass(frozen=True, slots=True)
class Take:
    """Take this annotator's side of a difference."""

    annotator: Annotator


Choice = Take | Literal["keep", "drop"]


@dataclass(frozen=True, slots=True)
class BoundaryDifference:
    id: str
    positions: dict[Annotator, int]  # who placed the boundary, at which character offset
    missing: tuple[Annotator, ...]  # who did not


@dataclass(frozen=True, slots=True)
class LabelDifference:
    id: str
    label: str  # "type" or "rating"
    spans: dict[Annotator, tuple[int, int]]  # each side's step
    values: dict[Annotator, str | int | None]


@dataclass(frozen=True, slots=True)
class Differences:
    boundaries: list[BoundaryDifference]
    labels: list[LabelDifference]
    agreed: list[int]  # boundaries every annotator placed (first annotator's offsets)

    def __len__(self) -> int:
        return len(self.boundaries) + len(self.labels)


@dataclass(slots=True)
class _Layout:
    """The annotations laid over each other."""

    prepared: list[Prepared]
    groups: list[list[int]]  # per annotation, each cut's boundary id
    boundaries: dict[int, dict[int, int]]  # boundary id -> {annotation index: offset}, text order
    steps: dict[Edges, dict[int, int]]  # step edges -> {annotation index: step index}


def differences(
    annotations: Sequence[Annotation],
    *,
    text: str | None = None,
    tolerance: int = 0,
    tokens: TokenMap | None = None,
) -> Differences:
    """Every place where the annotations differ (see the module's docstring)."""
    layout = _lay_out(annotations, text, tolerance, tokens)
    return _differences(layout)


def resolve(
    annotations: Sequence[Annotation],
    choices: Mapping[str, Choice],
    *,
    text: str | None = None,
    tolerance: int = 0,
    tokens: TokenMap | None = None,
    base: Annotator | None = None,
) -> list[StepLabel]:
    """The adjudicated steps: each difference resolved by ``choices`` (or ``base``)."""
    layout = _lay_out(annotations, text, tolerance, tokens)
    found = _differences(layout)
    order = [p.annotator for p in layout.prepared]
    if base is not None and base not in order:
        raise ValueError(f"base {base!r} is not one of the annotators")
    cuts = _kept_cuts(layout, found, choices, base)
    pieces = _pieces(layout, cuts, text)
    label_choices = {(d.label, _span_key(d)): d for d in found.labels}
    return [_labelled(layout, piece, edges, label_choices, choices, base) for piece, edges in pieces]


def _lay_out(annotations: Sequence[Annotation], text: str | None, tolerance: int, tokens: TokenMap | None) -> _Layout:
    if not 2 <= len(annotations) <= 3:
        raise ValueError("adjudication compares two or three annotations")
    prepared = [prepare(a, text, tokens) for a in annotations]
    matches = {
        (k, l): match_positions(prepared[k].positions, prepared[l].positions, tolerance)
        for k, l in combinations(range(len(prepared)), 2)
    }
    groups = cut_groups(prepared, matches)
    boundaries: dict[int, dict[int, int]] = {}
    for k, item in enumerate(prepared):
        for cut, group in zip(item.cuts, groups[k]):
            boundaries.setdefault(group, {}).setdefault(k, cut)
    ordered = dict(sorted(boundaries.items(), key=lambda kv: (min(kv[1].values()), kv[0])))
    return _Layout(prepared, groups, ordered, step_groups(prepared, groups))


def _differences(layout: _Layout) -> Differences:
    names = [p.annotator for p in layout.prepared]
    agreed, boundary_diffs = [], []
    for placed in layout.boundaries.values():
        if len(placed) == len(names):
            agreed.append(placed[0])
            continue
        missing = tuple(names[k] for k in range(len(names)) if k not in placed)
        positions = {names[k]: offset for k, offset in sorted(placed.items())}
        boundary_diffs.append(BoundaryDifference(f"boundary-{len(boundary_diffs)}", positions, missing))
    return Differences(boundary_diffs, _label_differences(layout), agreed)


def _label_differences(layout: _Layout) -> list[LabelDifference]:
    found: list[LabelDifference] = []
    shared = [unit for unit in layout.steps.values() if len(unit) > 1]
    shared.sort(key=lambda unit: min(layout.prepared[k].steps[s].start for k, s in unit.items()))
    for label in LABELS:
        for unit in shared:
            steps = {layout.prepared[k].annotator: layout.prepared[k].steps[s] for k, s in sorted(unit.items())}
            values = {name: getattr(step, label) for name, step in steps.items()}
            if len(set(values.values())) > 1:
                spans = {name: (step.start, step.end) for name, step in steps.items()}
                count = sum(d.label == label for d in found)
                found.append(LabelDifference(f"{label}-{count}", label, spans, values))
    return found


def _kept_cuts(
    layout: _Layout, found: Differences, choices: Mapping[str, Choice], base: Annotator | None
) -> list[tuple[int, int]]:
    """``(offset, boundary id)`` of the boundaries the result keeps, in text order."""
    names = [p.annotator for p in layout.prepared]
    differing = iter(found.boundaries)
    kept = []
    for group, placed in layout.boundaries.items():
        if len(placed) == len(names):
            k = names.index(base) if base is not None else 0
            kept.append((placed[k], group))
            continue
        offset = _chosen_offset(next(differing), choices, base)
        if offset is not None:
            kept.append((offset, group))
    return sorted(kept)


def _chosen_offset(diff: BoundaryDifference, choices: Mapping[str, Choice], base: Annotator | None) -> int | None:
    choice = _choice(diff.id, choices, base)
    if choice == DROP:
        return None
    if choice == KEEP:
        return next(iter(diff.positions.values()))
    if isinstance(choice, Take):
        return diff.positions.get(choice.annotator)
    raise ValueError(f"{diff.id}: a boundary takes Take(annotator), KEEP or DROP, not {choice!r}")


def _choice(diff_id: str, choices: Mapping[str, Choice], base: Annotator | None) -> Choice:
    if diff_id in choices:
        return choices[diff_id]
    if base is None:
        raise ValueError(f"no choice for {diff_id} and no base annotator")
    return Take(base)


def _pieces(layout: _Layout, cuts: list[tuple[int, int]], text: str | None) -> list[tuple[tuple[int, int], Edges]]:
    """The extent cut at ``cuts``: each piece's span (trimmed) and its edges' boundary ids."""
    steps = [step for p in layout.prepared for step in p.steps]
    if not steps:
        return []
    first, last = min(s.start for s in steps), max(s.end for s in steps)
    inside = [(offset, group) for offset, group in cuts if first < offset < last]
    inside = [c for i, c in enumerate(inside) if i == 0 or c[0] > inside[i - 1][0]]  # no empty piece
    starts = [(first, START), *inside]
    ends = [*inside, (last, END)]
    pieces = []
    for (start, left), (end, right) in zip(starts, ends):
        span = trim(text, start, end) if text is not None else (start, end)
        if span is not None:
            pieces.append((span, (left, right)))
    return pieces


def _labelled(layout, piece, edges, label_choices, choices, base) -> StepLabel:
    """The resulting step with its labels (see the module's docstring)."""
    unit = layout.steps.get(edges)
    drawn = (
        {layout.prepared[k].annotator: layout.prepared[k].steps[s] for k, s in sorted(unit.items())}
        if unit else {}
    )
    if not drawn:
        source = _most_overlapping(layout, piece, base)
        return StepLabel(piece[0], piece[1], source.type if source else None, source.rating if source else None)
    values = {label: _label_value(label, drawn, label_choices, choices, base) for label in LABELS}
    return StepLabel(piece[0], piece[1], values["type"], values["rating"])


def _label_value(label, drawn, label_choices, choices, base):
    seen = {getattr(step, label) for step in drawn.values()}
    if len(seen) == 1:
        return seen.pop()
    diff = label_choices[label, _span_key_of(drawn)]
    choice = _choice(diff.id, choices, base)
    if not isinstance(choice, Take) or choice.annotator not in diff.values:
        raise ValueError(f"{diff.id}: take the side of one of {list(diff.values)}, not {choice!r}")
    return diff.values[choice.annotator]


def _span_key(diff: LabelDifference) -> tuple:
    return tuple(sorted(diff.spans.items(), key=repr))


def _span_key_of(drawn: dict[Annotator, StepLabel]) -> tuple:
    return tuple(sorted(((name, (s.start, s.end)) for name, s in drawn.items()), key=repr))


def _most_overlapping(layout: _Layout, piece: tuple[int, int], base: Annotator | None) -> StepLabel | None:
    ranked = sorted(layout.prepared, key=lambda p: p.annotator != base)  # base first, stable
    best, best_overlap = None, 0
    for item in ranked:
        starts = [s.start for s in item.steps]
        index = max(bisect_left(starts, piece[0]) - 1, 0)
        for step in item.steps[index:]:
            if step.start >= piece[1]:
                break
            overlap = min(step.end, piece[1]) - max(step.start, piece[0])
            if overlap > best_overlap:
                best, best_overlap = step, overlap
    return best

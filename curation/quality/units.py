"""Which steps match between annotators: the units types and ratings are compared on.

A step is the stretch between two edges: its left edge is the start of the annotated extent (the
first step) or a cut, its right edge the next cut or the end of the extent (the last step). Two
annotators' steps **match** when both edges match: both first (or both last), or cuts that
``boundaries.match_positions`` matched. Step ends are not compared on their own: a step ends where
the next one starts, less the whitespace between them. A step one annotator split in two matches
neither half; its labels then count nowhere, while the extra cut already lowers boundary agreement.

For three or more annotators the cuts matched pairwise are joined into groups (union-find), and a
**unit** is every step whose two edges fall in the same two groups: the steps of a unit are the
"same step" for all annotators who drew it; an annotator who did not draw it is a missing value
(Krippendorff's alpha takes those). If pairwise matches ever chain two steps of one annotator into
a unit (cuts of one annotator within a few tolerances of each other), the unit keeps the earlier.
"""
from __future__ import annotations

from collections.abc import Sequence

from .annotations import Prepared

START, END = -1, -2
Edges = tuple[int, int]
Matches = dict[tuple[int, int], list[tuple[int, int]]]


def step_pairs(a: Prepared, b: Prepared, cut_pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Index pairs ``(s, t)`` of a's and b's steps that match (both edges matched)."""
    last_a, last_b = len(a.steps) - 1, len(b.steps) - 1
    if last_a < 0 or last_b < 0:
        return []
    if not cut_pairs:  # no matched cut: only two single steps match
        return [(0, 0)] if last_a == last_b == 0 else []
    # Cut i is the start of step i + 1. The first steps match when the first cuts matched; the
    # last ones when the last cuts did; step i + 1 and step j + 1 in between when cuts (i, j) and
    # (i + 1, j + 1) matched, which are then neighbours in the (sorted, one-to-one) cut pairs.
    pairs = [(0, 0)] if cut_pairs[0] == (0, 0) else []
    pairs += [
        (i + 1, j + 1) for (i, j), (k, l) in zip(cut_pairs, cut_pairs[1:]) if k == i + 1 and l == j + 1
    ]
    if cut_pairs[-1] == (last_a - 1, last_b - 1):
        pairs.append((last_a, last_b))
    return pairs


def units(prepared: Sequence[Prepared], matches: Matches) -> list[dict[int, int]]:
    """Units of three or more annotations: ``{annotation index: step index}`` for each step drawn
    by at least two annotators; ``matches[(k, l)]`` holds the cut pairs of annotations k < l."""
    groups = step_groups(prepared, cut_groups(prepared, matches))
    return [unit for unit in groups.values() if len(unit) > 1]


def cut_groups(prepared: Sequence[Prepared], matches: Matches) -> list[list[int]]:
    """For each annotation, the group (a representative id) of each of its cuts."""
    offsets = [0]
    for item in prepared:
        offsets.append(offsets[-1] + len(item.cuts))
    parent = list(range(offsets[-1]))
    for (k, l), cut_pairs in matches.items():
        for i, j in cut_pairs:
            _union(parent, offsets[k] + i, offsets[l] + j)
    roots = [_find(parent, node) for node in range(offsets[-1])]
    return [roots[offsets[k] : offsets[k + 1]] for k in range(len(prepared))]


def step_groups(prepared: Sequence[Prepared], groups: list[list[int]]) -> dict[Edges, dict[int, int]]:
    """Steps keyed by their edges' groups: ``{(left, right): {annotation index: step index}}``
    (``START`` and ``END`` for the extent's ends); the earlier step of an annotation wins."""
    grouped: dict[Edges, dict[int, int]] = {}
    for k, item in enumerate(prepared):
        if not item.steps:
            continue
        # Edges inlined (``step_edges``): this loop runs for every step of every trace.
        lefts = [START, *groups[k]]
        rights = [*groups[k], END]
        for s, key in enumerate(zip(lefts, rights)):
            unit = grouped.get(key)
            if unit is None:
                grouped[key] = {k: s}
            elif k not in unit:
                unit[k] = s
    return grouped


def step_edges(groups: list[int], s: int, count: int) -> Edges:
    """The groups of step ``s``'s left and right edges."""
    return (groups[s - 1] if s else START), (groups[s] if s < count - 1 else END)


def _find(parent: list[int], x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        parent[x], x = root, parent[x]
    return root


def _union(parent: list[int], x: int, y: int) -> None:
    """Join two groups under the smaller root (groups hold a handful of cuts: no ranks)."""
    while parent[x] != x:
        x = parent[x]
    while parent[y] != y:
        y = parent[y]
    if x < y:
        parent[y] = x
    elif y < x:
        parent[x] = y

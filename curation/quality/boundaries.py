"""Which cuts of one annotator match which of another's, within a tolerance.

``match_positions`` is a one-to-one matching of two sorted position lists where a pair may match
only when the positions are at most ``tolerance`` apart. It is **optimal**: the largest number of
matched pairs (so precision and recall are the best any one-to-one matching gives, as in
``curation.segment.evaluate``), and among those the smallest total distance (so a cut is matched
to its nearest counterpart, which is what the adjudication view shows). Points on a line allow
this cheaply: a matched pair never spans a gap wider than the tolerance between consecutive
positions (of either list), so the lists split at such gaps into independent groups; a group of
one position from each side is a match, and larger groups (rare: several cuts within a few
tolerances) are solved exactly by a small alignment, since an optimal matching of points on a
line never crosses.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_FAR = float("inf")


@dataclass(frozen=True, slots=True)
class BoundaryCounts:
    """Cuts of ``a`` matched against cuts of ``b``."""

    a_cuts: int
    b_cuts: int
    matched: int

    @property
    def precision(self) -> float:
        """Share of a's cuts that b placed too (1.0 when a placed none)."""
        return self.matched / self.a_cuts if self.a_cuts else 1.0

    @property
    def recall(self) -> float:
        """Share of b's cuts that a placed too (1.0 when b placed none)."""
        return self.matched / self.b_cuts if self.b_cuts else 1.0

    @property
    def f1(self) -> float:
        """Symmetric: 2 * matched / (a_cuts + b_cuts); 1.0 when neither placed a cut."""
        total = self.a_cuts + self.b_cuts
        return 2 * self.matched / total if total else 1.0


def match_positions(
    a: Sequence[int], b: Sequence[int], tolerance: int = 0
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` of the optimal one-to-one matching of sorted ``a`` and ``b``."""
    pairs: list[tuple[int, int]] = []
    count_a, count_b = len(a), len(b)
    if not count_a or not count_b:
        return pairs
    # A sentinel after each list: the walk needs no bounds checks (the infinite gap ends a group).
    a, b = [*a, _FAR], [*b, _FAR]
    i = j = 0
    # One walk over both lists in merged order (kept inline: it runs for every pair of every trace).
    while i < count_a and j < count_b:
        i0, j0 = i, j
        next_a, next_b = a[i], b[j]
        last = next_a if next_a < next_b else next_b
        while True:  # extend the group while the next position is within the tolerance
            if next_a <= next_b:
                if next_a - last > tolerance:
                    break
                last = next_a
                i += 1
                next_a = a[i]
            else:
                if next_b - last > tolerance:
                    break
                last = next_b
                j += 1
                next_b = b[j]
        if i - i0 == 1 and j - j0 == 1:
            pairs.append((i0, j0))  # the two are at most one gap, so the tolerance, apart
        elif i - i0 == 1 and j > j0:
            pairs.append((i0, _nearest(b, j0, j, a[i0], tolerance)))
        elif j - j0 == 1 and i > i0:
            pairs.append((_nearest(a, i0, i, b[j0], tolerance), j0))
        elif i > i0 and j > j0:
            pairs.extend(_align(a, b, i0, i, j0, j, tolerance))
    return pairs


def _nearest(positions: Sequence[int], start: int, stop: int, target: int, tolerance: int) -> int:
    """A group with one position on one side: match it to the nearest on the other (the
    earlier on a tie). One of them is within the tolerance: the group holds a neighbour."""
    return min(range(start, stop), key=lambda k: abs(positions[k] - target))


def _align(
    a: Sequence[int], b: Sequence[int], i0: int, i1: int, j0: int, j1: int, tolerance: int
) -> list[tuple[int, int]]:
    """Best non-crossing matching of ``a[i0:i1]`` and ``b[j0:j1]``: most pairs, then least
    total distance (scores are ``(pairs, -distance)`` tuples)."""
    rows, cols = i1 - i0, j1 - j0
    best = [[(0, 0)] * (cols + 1) for _ in range(rows + 1)]
    for x in range(1, rows + 1):
        for y in range(1, cols + 1):
            options = [best[x - 1][y], best[x][y - 1]]
            distance = abs(a[i0 + x - 1] - b[j0 + y - 1])
            if distance <= tolerance:
                pairs, cost = best[x - 1][y - 1]
                options.append((pairs + 1, cost - distance))
            best[x][y] = max(options)
    return _trace_back(best, i0, j0)


def _trace_back(best: list[list[tuple[int, int]]], i0: int, j0: int) -> list[tuple[int, int]]:
    """The matched pairs behind the alignment's best score."""
    pairs: list[tuple[int, int]] = []
    x, y = len(best) - 1, len(best[0]) - 1
    while x and y:
        if best[x][y] == best[x - 1][y]:
            x -= 1
        elif best[x][y] == best[x][y - 1]:
            y -= 1
        else:  # only a match reaches this score
            pairs.append((i0 + x - 1, j0 + y - 1))
            x, y = x - 1, y - 1
    return pairs[::-1]


def count_boundaries(a: Sequence[int], b: Sequence[int], tolerance: int = 0) -> BoundaryCounts:
    """Precision, recall and F1 counts of ``a``'s cuts against ``b``'s."""
    return BoundaryCounts(len(a), len(b), len(match_positions(a, b, tolerance)))

"""Chance-corrected agreement from counts: Cohen's kappa and Krippendorff's alpha.

Both are computed from additive count tables, so the figures of a project, an annotator pair or a
week are the sums of per-trace tables (no per-trace library call, no re-reading of units):

- a **confusion** table ``{(a_value, b_value): count}`` of one ordered pair of annotators gives
  Cohen's kappa, ``1 - D_o / D_e`` with the observed and the chance-expected disagreement under a
  distance: 0/1 for types (plain kappa), ``|x - y|`` for ratings (linearly weighted kappa, as
  ``sklearn.metrics.cohen_kappa_score(weights="linear", labels=[-1, 0, 1])``);
- a **coincidence** table ``{(c, k): weight}`` (Krippendorff 2011: each unit coded by ``m >= 2``
  annotators adds ``1/(m - 1)`` for every ordered pair of its values) gives alpha,
  ``1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)``, nominal for types and ordinal for
  ratings (``d_ck = (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2`` over the values' order).

Both are undefined when chance disagreement is zero: every value is the same category (or there is
nothing to compare). They return None then, and callers report the observed agreement beside them
(``observed``), which is 1.0 in that case: "all said +1" is agreement, but not evidence of
reliability. ``tests/quality`` checks these against scikit-learn, the ``krippendorff`` package and
Krippendorff's worked example (``reference`` holds the library calls).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping

Table = Mapping[tuple[Hashable, Hashable], float]
Distance = Callable[[Hashable, Hashable], float]

NOMINAL = "nominal"
ORDINAL = "ordinal"


def nominal(x: Hashable, y: Hashable) -> float:
    return 0.0 if x == y else 1.0


def linear(x: Hashable, y: Hashable) -> float:
    return float(abs(x - y))  # type: ignore[operator]


def observed(table: Table) -> float | None:
    """Share of the table's weight on the diagonal (raw agreement), None when empty."""
    total = sum(table.values())
    if not total:
        return None
    return sum(n for (x, y), n in table.items() if x == y) / total


def cohen_kappa(confusion: Table, distance: Distance = nominal) -> float | None:
    """Cohen's kappa of one ordered annotator pair from its confusion table."""
    total = sum(confusion.values())
    if not total:
        return None
    rows, cols = _margins(confusion)
    seen = sum(n * distance(x, y) for (x, y), n in confusion.items()) / total
    chance = sum(r * c * distance(x, y) for x, r in rows.items() for y, c in cols.items())
    chance /= total * total
    return 1.0 - seen / chance if chance else None


def krippendorff_alpha(coincidence: Table, level: str = NOMINAL) -> float | None:
    """Krippendorff's alpha from a coincidence table, ``level`` nominal or ordinal."""
    values, _ = _margins(coincidence)
    values = {v: n for v, n in values.items() if n > 0}
    n = sum(values.values())
    if n <= 1:
        return None
    distance = nominal if level == NOMINAL else _ordinal_distance(values)
    seen = sum(w * distance(c, k) for (c, k), w in coincidence.items())
    chance = sum(nc * nk * distance(c, k) for c, nc in values.items() for k, nk in values.items())
    return 1.0 - (n - 1) * seen / chance if chance else None


def coincidences(units: Iterable[Iterable[Hashable]]) -> Counter:
    """The coincidence table of units, each the values its annotators gave (missing left out)."""
    table: Counter = Counter()
    for unit in units:
        add_unit(table, list(unit))
    return table


def add_unit(table: Counter, values: list[Hashable], times: int = 1) -> None:
    """Add one unit's ordered value pairs, each weighing ``1/(m - 1)``; lone values add nothing;
    ``times``: that many units with these values.

    Summed by distinct value (a unit where all agree adds one cell), not by pair of coders."""
    m = len(values)
    if m < 2:
        return
    if m == 2:
        x, y = values
        get = table.get  # dict.get, not Counter.__missing__ (Python) for a new cell
        table[x, y] = get((x, y), 0) + 1.0 * times
        table[y, x] = get((y, x), 0) + 1.0 * times
        return
    if m == 3:  # three annotators: the six ordered pairs of weight 1/2, without a Counter
        x, y, z = values
        half, get = 0.5 * times, table.get
        for pair in ((x, y), (y, x), (x, z), (z, x), (y, z), (z, y)):
            table[pair] = get(pair, 0) + half
        return
    counts = Counter(values)
    scale = times / (m - 1)
    for x, n_x in counts.items():
        for y, n_y in counts.items():
            table[x, y] += (n_x * (n_x - 1) if x == y else n_x * n_y) * scale


def _margins(table: Table) -> tuple[Counter, Counter]:
    rows: Counter = Counter()
    cols: Counter = Counter()
    for (x, y), n in table.items():
        rows[x] += n
        cols[y] += n
    return rows, cols


def _ordinal_distance(values: Mapping[Hashable, float]) -> Distance:
    """Krippendorff's ordinal metric over the values present, in their sorted order."""
    order = sorted(values)
    rank = {v: i for i, v in enumerate(order)}
    cumulative = [0.0]
    for v in order:
        cumulative.append(cumulative[-1] + values[v])

    def distance(c: Hashable, k: Hashable) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (values[c] + values[k]) / 2) ** 2

    return distance

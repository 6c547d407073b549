"""Agreement of two or more annotators on one trace field: ``trace_agreement``.

For every pair of annotations: boundary precision, recall and F1 (``boundaries``), the confusion
tables of type and rating on the steps that match (``units``), and whether they mark the same
first -1 step. For the trace as a whole: the coincidence tables of types and ratings over its
units (Krippendorff's alpha). The result holds counts only, so it is stored as it is (``as_dict``)
and summed into figures per pair, annotator, project or week by ``tally``.

First-error agreement of a pair (only when both rated at least one step): both marked no -1 step,
or their first -1 steps are the same step: a matched pair of steps (rule ``matched``, the default)
or, more leniently, two steps whose spans overlap (rule ``overlap``: the same place in the text
even when one annotator cut it finer).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from . import coefficients
from .annotations import Annotation, Annotator, Prepared, StepLabel, TokenMap, prepare
from .boundaries import BoundaryCounts, match_positions
from .units import step_pairs, units

MATCHED, OVERLAP = "matched", "overlap"
METRICS = ("boundary_f1", "type", "rating", "first_error")


@dataclass(slots=True)
class PairAgreement:
    """Two annotators on one trace (counts only; figures are properties)."""

    a: Annotator
    b: Annotator
    boundaries: BoundaryCounts
    matched_steps: int = 0
    types: Counter = field(default_factory=Counter)  # (a's type, b's type) on matched steps
    ratings: Counter = field(default_factory=Counter)  # (a's rating, b's rating) likewise
    first_error: bool | None = None  # None when either did not rate

    @property
    def type_kappa(self) -> float | None:
        return coefficients.cohen_kappa(self.types)

    @property
    def rating_kappa(self) -> float | None:
        return coefficients.cohen_kappa(self.ratings, coefficients.linear)


@dataclass(slots=True)
class TraceAgreement:
    """Agreement of all annotators of one trace."""

    annotators: tuple[Annotator, ...]
    pairs: list[PairAgreement]
    type_coincidence: Counter = field(default_factory=Counter)
    rating_coincidence: Counter = field(default_factory=Counter)
    units: int = 0  # steps matched by at least two annotators

    @property
    def boundary_f1(self) -> float:
        """Mean of the pairs' (symmetric) boundary F1."""
        return sum(p.boundaries.f1 for p in self.pairs) / len(self.pairs) if self.pairs else 1.0

    @property
    def type_agreement(self) -> float | None:
        """Cohen's kappa for a pair, Krippendorff's nominal alpha for more; None if undefined."""
        if len(self.pairs) == 1:
            return self.pairs[0].type_kappa
        return coefficients.krippendorff_alpha(self.type_coincidence, coefficients.NOMINAL)

    @property
    def rating_agreement(self) -> float | None:
        """Linearly weighted kappa for a pair, ordinal alpha for more; None if undefined."""
        if len(self.pairs) == 1:
            return self.pairs[0].rating_kappa
        return coefficients.krippendorff_alpha(self.rating_coincidence, coefficients.ORDINAL)

    @property
    def type_observed(self) -> float | None:
        return coefficients.observed(_pooled(p.types for p in self.pairs))

    @property
    def rating_observed(self) -> float | None:
        return coefficients.observed(_pooled(p.ratings for p in self.pairs))

    @property
    def first_error_agreement(self) -> float | None:
        """Share of the pairs (both rated) that mark the same first error or none."""
        rated = [p.first_error for p in self.pairs if p.first_error is not None]
        return sum(rated) / len(rated) if rated else None

    def score(self, metrics: Sequence[str] = ("boundary_f1",)) -> float | None:
        """The lowest of the named figures that are defined (see ``METRICS``); an undefined
        kappa or alpha (one category only) counts as its observed agreement."""
        values = [_metric(self, name) for name in metrics]
        defined = [v for v in values if v is not None]
        return min(defined) if defined else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready counts (for a JSONField); ``from_dict`` reads them back."""
        return {
            "annotators": list(self.annotators),
            "pairs": [_pair_dict(p) for p in self.pairs],
            "type_coincidence": _table_rows(self.type_coincidence),
            "rating_coincidence": _table_rows(self.rating_coincidence),
            "units": self.units,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TraceAgreement:
        return cls(
            tuple(data["annotators"]),
            [_pair_from_dict(p) for p in data["pairs"]],
            _table(data["type_coincidence"]),
            _table(data["rating_coincidence"]),
            data["units"],
        )


def trace_agreement(
    annotations: Sequence[Annotation],
    *,
    text: str | None = None,
    tolerance: int = 0,
    tokens: TokenMap | None = None,
    first_error_rule: str = MATCHED,
) -> TraceAgreement:
    """Agreement of two or more annotations of one field text (offsets in characters;
    ``tolerance`` in characters, or in tokens when ``tokens`` maps offsets to tokens)."""
    prepared = [prepare(a, text, tokens) for a in annotations]
    matches: dict[tuple[int, int], list[tuple[int, int]]] = {}
    result = TraceAgreement(tuple(p.annotator for p in prepared), [])
    for k, l in combinations(range(len(prepared)), 2):
        cut_pairs = match_positions(prepared[k].positions, prepared[l].positions, tolerance)
        matches[k, l] = cut_pairs
        pair, steps = _compare(prepared[k], prepared[l], cut_pairs, first_error_rule)
        result.pairs.append(pair)
        if len(prepared) == 2:
            _add_pair_units(result, prepared[k], prepared[l], steps)
    if len(prepared) > 2:
        _add_units(result, prepared, units(prepared, matches))
    return result


def compare_pair(
    a: Prepared, b: Prepared, tolerance: int = 0, first_error_rule: str = MATCHED
) -> tuple[PairAgreement, list[tuple[int, int]]]:
    """One pair's agreement and its matched step index pairs."""
    return _compare(a, b, match_positions(a.positions, b.positions, tolerance), first_error_rule)


def _compare(
    a: Prepared, b: Prepared, cut_pairs: list[tuple[int, int]], rule: str
) -> tuple[PairAgreement, list[tuple[int, int]]]:
    steps = step_pairs(a, b, cut_pairs)
    pair = PairAgreement(a.annotator, b.annotator, BoundaryCounts(len(a.cuts), len(b.cuts), len(cut_pairs)))
    pair.matched_steps = len(steps)
    if steps:
        # Counted in C (Counter of zipped label pairs), then the pairs with a missing label out.
        mine, theirs = zip(*steps)
        pair.types = _labelled_pairs(map(a.types.__getitem__, mine), map(b.types.__getitem__, theirs))
        pair.ratings = _labelled_pairs(map(a.ratings.__getitem__, mine), map(b.ratings.__getitem__, theirs))
    pair.first_error = _first_error(a, b, steps, rule)
    return pair, steps


def _labelled_pairs(xs, ys) -> Counter:
    table = Counter(zip(xs, ys))
    for key in [key for key in table if key[0] is None or key[1] is None]:
        del table[key]
    return table


def _first_error(a: Prepared, b: Prepared, steps: list[tuple[int, int]], rule: str) -> bool | None:
    if not (a.rated and b.rated):
        return None
    first_a, first_b = a.first_error, b.first_error
    if first_a is None or first_b is None:
        return first_a is None and first_b is None
    if rule == OVERLAP:
        return _overlap(a.steps[first_a], b.steps[first_b])
    return (first_a, first_b) in steps


def _overlap(x: StepLabel, y: StepLabel) -> bool:
    return x.start < y.end and y.start < x.end


def _add_pair_units(result: TraceAgreement, a: Prepared, b: Prepared, steps: list[tuple[int, int]]) -> None:
    """Two annotators: every matched step is a unit of two values."""
    result.units = len(steps)
    for (x, y), n in result.pairs[0].types.items():
        result.type_coincidence[x, y] += n
        result.type_coincidence[y, x] += n
    for (x, y), n in result.pairs[0].ratings.items():
        result.rating_coincidence[x, y] += n
        result.rating_coincidence[y, x] += n


def _add_units(result: TraceAgreement, prepared: list[Prepared], found: list[dict[int, int]]) -> None:
    """Each unit's types and ratings into the coincidence tables (``coefficients.add_unit``)."""
    result.units = len(found)
    for labels, table in (([p.types for p in prepared], result.type_coincidence),
                          ([p.ratings for p in prepared], result.rating_coincidence)):
        # Units with the same values add the same cells: count the value tuples (in C), then add
        # each distinct one once, times its count. Weights 1 and 1/2 (two and three values) sum
        # exactly in any order; units of four or more values are added one by one as before.
        seen = Counter([tuple([labels[k][s] for k, s in unit.items()]) for unit in found])
        for values, times in seen.items():
            if None in values:  # a step without the label: a missing value
                values = tuple(value for value in values if value is not None)
            if len(values) <= 3:
                coefficients.add_unit(table, list(values), times)
            else:
                for _ in range(times):
                    coefficients.add_unit(table, list(values))


def _metric(trace: TraceAgreement, name: str) -> float | None:
    if name == "boundary_f1":
        return trace.boundary_f1
    if name == "type":
        value = trace.type_agreement
        return trace.type_observed if value is None else value
    if name == "rating":
        value = trace.rating_agreement
        return trace.rating_observed if value is None else value
    if name == "first_error":
        return trace.first_error_agreement
    raise ValueError(f"unknown agreement metric {name!r}; one of {METRICS}")


def _pooled(tables) -> Counter:
    total: Counter = Counter()
    for table in tables:
        total.update(table)
    return total


def _pair_dict(pair: PairAgreement) -> dict[str, Any]:
    counts = pair.boundaries
    return {
        "a": pair.a, "b": pair.b,
        "a_cuts": counts.a_cuts, "b_cuts": counts.b_cuts, "matched_cuts": counts.matched,
        "matched_steps": pair.matched_steps,
        "types": _table_rows(pair.types), "ratings": _table_rows(pair.ratings),
        "first_error": pair.first_error,
    }


def _pair_from_dict(data: dict[str, Any]) -> PairAgreement:
    return PairAgreement(
        data["a"], data["b"],
        BoundaryCounts(data["a_cuts"], data["b_cuts"], data["matched_cuts"]),
        data["matched_steps"], _table(data["types"]), _table(data["ratings"]), data["first_error"],
    )


def _table_rows(table: Counter) -> list[list[Any]]:
    return [[x, y, n] for (x, y), n in table.items()]


def _table(rows: list[list[Any]]) -> Counter:
    return Counter({(x, y): n for x, y, n in rows})

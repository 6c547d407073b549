"""Agreement figures of many traces: per trace, annotator pair, annotator, project and period.

Every figure is a function of additive counts, so a group's figures come from the sum of its
traces' counts (``Tally``), never from averaging per-trace coefficients: boundary precision,
recall and F1 are micro-averaged over cuts; kappa comes from the summed confusion tables; alpha
from the summed coincidence tables (exactly the alpha of all the group's units at once, since
units of different traces are independent). The mean of per-trace boundary F1 is reported too.

- per pair: the pair's confusion tables, oriented (a, b) with a < b by ``repr``; alpha over the
  pair's units of two;
- per annotator: every pair the annotator is in, oriented with the annotator first (precision is
  then "of my cuts, how many the others placed too"); kappa and alpha of "me against the others";
- per project and per period: every trace's pairs and its multi-annotator coincidence tables.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import coefficients
from .agreement import PairAgreement, TraceAgreement
from .annotations import Annotator

DAY, WEEK = "day", "week"


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of a group of traces (None where a figure is undefined or has no data)."""

    traces: int
    pairs: int
    boundary_precision: float
    boundary_recall: float
    boundary_f1: float
    mean_trace_boundary_f1: float | None
    matched_steps: int
    type_kappa: float | None
    type_alpha: float | None
    type_observed: float | None
    rating_kappa: float | None
    rating_alpha: float | None
    rating_observed: float | None
    first_error_agreement: float | None
    first_error_pairs: int


@dataclass(slots=True)
class Tally:
    """Summed counts of a group; ``summary`` turns them into figures."""

    traces: int = 0
    pairs: int = 0
    a_cuts: int = 0
    b_cuts: int = 0
    matched_cuts: int = 0
    f1_sum: float = 0.0
    matched_steps: int = 0
    types: Counter = field(default_factory=Counter)
    ratings: Counter = field(default_factory=Counter)
    type_coincidence: Counter = field(default_factory=Counter)
    rating_coincidence: Counter = field(default_factory=Counter)
    first_error_agreed: int = 0
    first_error_pairs: int = 0
    # While only pairs were added (per pair, per annotator: the common case), the coincidence of
    # their units of two is the confusion tables plus their transposes: left implicit, worked
    # out by ``summary`` (or by the first ``add_trace``) instead of cell by cell per pair.
    pairs_only: bool = True

    def add_trace(self, trace: TraceAgreement) -> None:
        """A whole trace: its pairs and its units (alpha over all its annotators)."""
        if self.pairs_only:
            self._settle_pair_units()
        self.traces += 1
        self.f1_sum += trace.boundary_f1
        for pair in trace.pairs:
            self._add_counts(pair, flip=False)
        self.type_coincidence.update(trace.type_coincidence)
        self.rating_coincidence.update(trace.rating_coincidence)

    def add_pair(self, pair: PairAgreement, flip: bool = False) -> None:
        """One pair of one trace (``flip``: b's side first); its matched steps as units of two."""
        self.traces += 1
        self.f1_sum += pair.boundaries.f1
        self._add_counts(pair, flip)
        if self.pairs_only:
            return
        for source, target in ((pair.types, self.type_coincidence), (pair.ratings, self.rating_coincidence)):
            for (x, y), n in source.items():
                target[x, y] += n
                target[y, x] += n

    def _settle_pair_units(self) -> None:
        """Write the implicit coincidence of the pairs added so far; explicit from now on."""
        self.pairs_only = False
        self.type_coincidence.update(_symmetric(self.types))
        self.rating_coincidence.update(_symmetric(self.ratings))

    def coincidence(self) -> tuple[Counter, Counter]:
        """The type and rating coincidence tables of everything added."""
        if self.pairs_only:
            return _symmetric(self.types), _symmetric(self.ratings)
        return self.type_coincidence, self.rating_coincidence

    def _add_counts(self, pair: PairAgreement, flip: bool) -> None:
        counts = pair.boundaries
        mine, theirs = (counts.b_cuts, counts.a_cuts) if flip else (counts.a_cuts, counts.b_cuts)
        self.pairs += 1
        self.a_cuts += mine
        self.b_cuts += theirs
        self.matched_cuts += counts.matched
        self.matched_steps += pair.matched_steps
        _add_table(self.types, pair.types, flip)
        _add_table(self.ratings, pair.ratings, flip)
        if pair.first_error is not None:
            self.first_error_pairs += 1
            self.first_error_agreed += pair.first_error

    def summary(self) -> Summary:
        type_coincidence, rating_coincidence = self.coincidence()
        return Summary(
            traces=self.traces,
            pairs=self.pairs,
            boundary_precision=_ratio(self.matched_cuts, self.a_cuts),
            boundary_recall=_ratio(self.matched_cuts, self.b_cuts),
            boundary_f1=_ratio(2 * self.matched_cuts, self.a_cuts + self.b_cuts),
            mean_trace_boundary_f1=self.f1_sum / self.traces if self.traces else None,
            matched_steps=self.matched_steps,
            type_kappa=coefficients.cohen_kappa(self.types),
            type_alpha=coefficients.krippendorff_alpha(type_coincidence, coefficients.NOMINAL),
            type_observed=coefficients.observed(self.types),
            rating_kappa=coefficients.cohen_kappa(self.ratings, coefficients.linear),
            rating_alpha=coefficients.krippendorff_alpha(rating_coincidence, coefficients.ORDINAL),
            rating_observed=coefficients.observed(self.ratings),
            first_error_agreement=(
                self.first_error_agreed / self.first_error_pairs if self.first_error_pairs else None
            ),
            first_error_pairs=self.first_error_pairs,
        )


def per_trace(trace: TraceAgreement) -> Summary:
    """One trace's figures in the same shape as the groups'."""
    tally = Tally()
    tally.add_trace(trace)
    return tally.summary()


def per_project(traces: Iterable[TraceAgreement]) -> Summary:
    tally = Tally()
    for trace in traces:
        tally.add_trace(trace)
    return tally.summary()


def per_pair(traces: Iterable[TraceAgreement]) -> dict[tuple[Annotator, Annotator], Summary]:
    tallies: dict[tuple[Annotator, Annotator], Tally] = defaultdict(Tally)
    for trace in traces:
        for pair in trace.pairs:
            flip = repr(pair.b) < repr(pair.a)
            key = (pair.b, pair.a) if flip else (pair.a, pair.b)
            tallies[key].add_pair(pair, flip)
    return {key: tally.summary() for key, tally in sorted(tallies.items(), key=repr)}


def per_annotator(traces: Iterable[TraceAgreement]) -> dict[Annotator, Summary]:
    tallies: dict[Annotator, Tally] = defaultdict(Tally)
    for trace in traces:
        for pair in trace.pairs:
            tallies[pair.a].add_pair(pair)
            tallies[pair.b].add_pair(pair, flip=True)
    return {key: tally.summary() for key, tally in sorted(tallies.items(), key=repr)}


def over_time(
    dated: Iterable[tuple[date | datetime, TraceAgreement]], period: str = DAY
) -> list[tuple[date, Summary]]:
    """Project figures per day or per ISO week (keyed by its Monday), oldest first; pass the
    time the agreement was computed (or the last submission) with each trace."""
    tallies: dict[date, Tally] = defaultdict(Tally)
    for when, trace in dated:
        tallies[bucket(when, period)].add_trace(trace)
    return [(key, tallies[key].summary()) for key in sorted(tallies)]


def bucket(when: date | datetime, period: str = DAY) -> date:
    """The day, or the Monday of the week, that ``when`` falls in (its own timezone)."""
    day = when.date() if isinstance(when, datetime) else when
    if period == DAY:
        return day
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    raise ValueError(f"period must be {DAY!r} or {WEEK!r}, not {period!r}")


def _add_table(target: Counter, source: Counter, flip: bool) -> None:
    if not flip:
        target.update(source)
        return
    for (x, y), n in source.items():
        target[y, x] += n


def _symmetric(confusion: Counter) -> Counter:
    """A confusion table plus its transpose: the coincidence of its pairs as units of two."""
    table: Counter = Counter()
    for (x, y), n in confusion.items():
        table[x, y] += n
        table[y, x] += n
    return table


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 1.0

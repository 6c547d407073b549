"""Figures per pair, annotator, project and period, summed from per-trace counts (``tally``)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from curation.quality import Annotation, StepLabel, over_time, per_annotator, per_pair, per_project, per_trace, trace_agreement
from curation.quality.reference import library_alpha, library_kappa
from curation.quality.tally import bucket


def ann(name, *steps):
    return Annotation(name, [StepLabel(*step) for step in steps])


# Two traces. Trace 1: a and b agree on cuts, differ on one type. Trace 2: a, b, c.
T1 = trace_agreement([
    ann("a", (0, 10, "plan", 1), (10, 20, "compute", 1)),
    ann("b", (0, 10, "plan", 1), (10, 20, "check", 1)),
])
T2 = trace_agreement([
    ann("a", (0, 10, "plan", 1), (10, 20, "compute", -1), (20, 30, "check", 1)),
    ann("b", (0, 10, "plan", 1), (10, 30, "compute", -1)),
    ann("c", (0, 10, "plan", 0), (10, 20, "compute", -1), (20, 30, "check", 1)),
])


def test_per_trace_equals_the_trace_figures():
    summary = per_trace(T2)
    assert summary.mean_trace_boundary_f1 == pytest.approx(T2.boundary_f1)
    assert summary.type_alpha == pytest.approx(T2.type_agreement)


def test_per_pair_sums_counts_across_traces():
    ab = per_pair([T1, T2])["a", "b"]
    # cuts: T1 a 1, b 1, matched 1; T2 a 2, b 1, matched 1 -> P 2/3, R 2/2, F1 4/5
    assert (ab.traces, ab.boundary_precision, ab.boundary_recall) == (2, 2 / 3, 1.0)
    assert ab.boundary_f1 == pytest.approx(4 / 5)
    # matched steps typed: T1 plan/plan, compute/check; T2 plan/plan -> kappa over 3 pairs
    assert ab.type_kappa == pytest.approx(library_kappa(["plan", "compute", "plan"], ["plan", "check", "plan"]))
    assert ab.first_error_pairs == 2 and ab.first_error_agreement == 0.5  # T1 none/none; T2 differ


def test_a_pair_listed_in_either_order_is_one_pair():
    flipped = trace_agreement([ann("b", (0, 10), (10, 20)), ann("a", (0, 10), (10, 15), (15, 20))])
    ab = per_pair([flipped])["a", "b"]
    assert (ab.boundary_precision, ab.boundary_recall) == (0.5, 1.0)  # a placed 2, b 1


def test_per_annotator_counts_the_annotator_first():
    c = per_annotator([T1, T2])["c"]
    # c's pairs in T2: with a (2 cuts each, 2 matched) and with b (c 2 cuts, b 1, 1 matched)
    assert (c.pairs, c.boundary_precision, c.boundary_recall) == (2, 3 / 4, 1.0)


def test_project_alpha_is_the_alpha_of_all_units_at_once():
    summary = per_project([T1, T2])
    units = [  # every matched unit of both traces: rows a, b, c
        ["plan", "compute", "plan", "compute", "check"],
        ["plan", "check", "plan", None, None],
        [None, None, "plan", "compute", "check"],
    ]
    assert summary.type_alpha == pytest.approx(library_alpha(units, "nominal"))
    assert summary.traces == 2 and summary.pairs == 4


def test_over_time_buckets_by_day_and_by_iso_week():
    dated = [(datetime(2026, 3, 2, 9), T1), (date(2026, 3, 4), T2), (date(2026, 3, 9), T1)]
    days = over_time(dated, "day")
    assert [d for d, _ in days] == [date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 9)]
    weeks = over_time(dated, "week")
    assert [(d, s.traces) for d, s in weeks] == [(date(2026, 3, 2), 2), (date(2026, 3, 9), 1)]
    assert bucket(date(2026, 3, 8), "week") == date(2026, 3, 2)  # a Sunday: Monday before
    with pytest.raises(ValueError):
        bucket(date(2026, 3, 8), "month")


def test_no_traces_give_empty_figures():
    summary = per_project([])
    assert summary.traces == 0 and summary.type_kappa is None and summary.mean_trace_boundary_f1 is None

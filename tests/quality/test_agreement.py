"""Agreement of annotators on one trace (``trace_agreement``): hand-computed cases."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.quality import Annotation, StepLabel, TraceAgreement, trace_agreement
from curation.quality.reference import library_alpha


def ann(name, *steps):
    return Annotation(name, [StepLabel(*step) for step in steps])


# Three steps over 0..30; b merges the last two; c cuts one character later at 11.
A = ann("a", (0, 10, "plan", 1), (10, 20, "compute", 1), (20, 30, "compute", -1))
B = ann("b", (0, 10, "plan", 1), (10, 30, "compute", -1))
C = ann("c", (0, 11, "plan", 0), (11, 20, "compute", 1), (20, 30, "check", -1))


def test_a_pair_by_hand():
    trace = trace_agreement([A, C], tolerance=1)
    (pair,) = trace.pairs
    # cuts a: 10, 20; c: 11, 20: both match within 1 -> precision = recall = F1 = 1
    assert (pair.boundaries.a_cuts, pair.boundaries.b_cuts, pair.boundaries.matched) == (2, 2, 2)
    assert trace.boundary_f1 == 1.0
    # all three steps match; types plan/plan, compute/compute, compute/check
    assert pair.matched_steps == 3
    # kappa: observed 2/3; a's margins plan 1 compute 2, c's plan 1 compute 1 check 1
    # chance = (1*1 + 2*1) / 9 = 1/3 -> kappa = (2/3 - 1/3) / (2/3) = 1/2
    assert trace.type_agreement == pytest.approx(0.5)
    assert trace.first_error_agreement == 1.0  # both mark the third step first


def test_exact_tolerance_drops_the_shifted_cut_and_its_two_steps():
    trace = trace_agreement([A, C], tolerance=0)
    pair = trace.pairs[0]
    assert pair.boundaries.matched == 1  # only 20
    assert trace.boundary_f1 == pytest.approx(2 * 1 / 4)
    assert pair.matched_steps == 1  # only the last step keeps both edges


def test_a_merged_step_matches_neither_half():
    pair = trace_agreement([A, B]).pairs[0]
    # a: 10, 20; b: 10 -> P 1/2, R 1, F1 2/3; only the first step matches
    assert (pair.boundaries.precision, pair.boundaries.recall) == (0.5, 1.0)
    assert pair.matched_steps == 1
    assert pair.first_error is False  # a's first -1 is [20,30), b's is [10,30): not the same step


def test_the_overlap_rule_accepts_a_first_error_cut_differently():
    trace = trace_agreement([A, B], first_error_rule="overlap")
    assert trace.pairs[0].first_error is True


def test_no_error_on_both_sides_agrees_and_unrated_does_not_count():
    clean = ann("x", (0, 10, None, 1), (10, 20, None, 1))
    also_clean = ann("y", (0, 10, None, 1), (10, 20, None, 0))
    unrated = ann("z", (0, 10), (10, 20))
    flagged = ann("w", (0, 10, None, 1), (10, 20, None, -1))
    assert trace_agreement([clean, also_clean]).pairs[0].first_error is True
    assert trace_agreement([clean, unrated]).first_error_agreement is None
    assert trace_agreement([clean, flagged]).pairs[0].first_error is False


def test_three_annotators_use_alpha_with_missing_values():
    trace = trace_agreement([A, B, C], tolerance=1)
    # units (steps matched by at least two): [0,10] all three; [10,20] a and c; [20,30] a and c
    # (b's [10,30] matches no one). Types as a reliability table, None = missing:
    rows = [["plan", "compute", "compute"], ["plan", None, None], ["plan", "compute", "check"]]
    assert trace.units == 3
    assert trace.type_agreement == pytest.approx(library_alpha(rows, "nominal"))
    ratings = [[1, 1, -1], [1, None, None], [0, 1, -1]]
    assert trace.rating_agreement == pytest.approx(library_alpha(ratings, "ordinal"))
    # pairwise F1: a-b 2/3, a-c 1, b-c: b 10 vs c 11 -> 1 of (1 + 2) -> 2/3; mean 7/9
    assert trace.boundary_f1 == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)


def test_one_type_everywhere_leaves_kappa_undefined_and_score_falls_back_to_observed():
    x = ann("x", (0, 5, "compute", 1), (5, 9, "compute", 1))
    y = ann("y", (0, 5, "compute", 1), (5, 9, "compute", 1))
    trace = trace_agreement([x, y])
    assert trace.type_agreement is None and trace.rating_agreement is None
    assert trace.type_observed == 1.0
    assert trace.score(("boundary_f1", "type", "rating")) == 1.0


def test_score_is_the_lowest_named_figure():
    trace = trace_agreement([A, C], tolerance=1)
    assert trace.score(("boundary_f1", "type")) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        trace.score(("speed",))


def test_text_trimming_ignores_whitespace_between_steps():
    text = "one two. three four."
    x = ann("x", (0, 8), (8, 20))  # its second step starts at the space before "three" (9)
    y = ann("y", (0, 8), (9, 20))
    assert trace_agreement([x, y]).boundary_f1 == 0.0  # raw offsets 8 and 9 differ
    assert trace_agreement([x, y], text=text).boundary_f1 == 1.0  # both start "three" at 9


def test_stored_counts_read_back_the_same():
    trace = trace_agreement([A, B, C], tolerance=1)
    again = TraceAgreement.from_dict(trace.as_dict())
    assert again == trace
    assert again.type_agreement == trace.type_agreement


spans = st.lists(st.integers(1, 99), max_size=12, unique=True).map(
    lambda cuts: [(a, b) for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 100])]
)
labels = st.tuples(st.sampled_from(["p", "c", "v"]), st.sampled_from([-1, 0, 1]))


@st.composite
def annotations(draw, name):
    return Annotation(name, [StepLabel(a, b, *draw(labels)) for a, b in draw(spans)])


@settings(deadline=None)  # a loaded machine must not fail a property
@given(annotations("x"))
def test_an_annotation_agrees_fully_with_itself(x):
    trace = trace_agreement([x, Annotation("y", x.steps)])
    assert trace.boundary_f1 == 1.0
    assert trace.type_observed in (1.0, None) and trace.first_error_agreement in (1.0, None)
    assert trace.type_agreement in (1.0, None)


@settings(deadline=None)  # a loaded machine must not fail a property
@given(annotations("x"), annotations("y"), st.integers(0, 5))
def test_pair_figures_are_symmetric(x, y, tolerance):
    xy, yx = trace_agreement([x, y], tolerance=tolerance), trace_agreement([y, x], tolerance=tolerance)
    assert xy.boundary_f1 == yx.boundary_f1
    assert xy.pairs[0].matched_steps == yx.pairs[0].matched_steps
    assert xy.first_error_agreement == yx.first_error_agreement
    for first, second in ((xy.type_agreement, yx.type_agreement), (xy.rating_agreement, yx.rating_agreement)):
        assert first == second or first == pytest.approx(second)


@settings(deadline=None)  # a loaded machine must not fail a property
@given(annotations("x"), annotations("y"), annotations("z"), st.integers(0, 5))
def test_alpha_does_not_depend_on_the_annotators_order(x, y, z, tolerance):
    one = trace_agreement([x, y, z], tolerance=tolerance)
    other = trace_agreement([z, x, y], tolerance=tolerance)
    assert one.boundary_f1 == pytest.approx(other.boundary_f1)
    for first, second in ((one.type_agreement, other.type_agreement), (one.rating_agreement, other.rating_agreement)):
        assert (first is None and second is None) or first == pytest.approx(second)

"""One-to-one matching of cuts within a tolerance (``boundaries``) and what counts as a cut."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.quality.annotations import Annotation, StepLabel, prepare, token_index
from curation.quality.boundaries import BoundaryCounts, _align, count_boundaries, match_positions

positions = st.lists(st.integers(0, 200), max_size=25, unique=True).map(sorted)


def test_cuts_are_the_starts_after_the_first_moved_past_whitespace():
    text = "First step.\n\n  Second step. Third."
    steps = [StepLabel(0, 11), StepLabel(11, 27), StepLabel(27, 34)]
    prepared = prepare(Annotation("ann", steps), text)
    assert prepared.cuts == [15, 28]  # "Second" starts at 15, "Third" at 28 (after the space)


def test_whitespace_only_steps_are_dropped_and_order_does_not_matter():
    text = "abc   def"
    prepared = prepare(Annotation("ann", [StepLabel(6, 9), StepLabel(3, 6), StepLabel(0, 3)]), text)
    assert [(s.start, s.end) for s in prepared.steps] == [(0, 3), (6, 9)]
    assert prepared.cuts == [6]


def test_precision_recall_and_f1_by_hand():
    # a cuts at 10, 20, 30; b at 11, 31, 50; tolerance 1: 10~11 and 30~31 match, 20 and 50 do not.
    counts = count_boundaries([10, 20, 30], [11, 31, 50], tolerance=1)
    assert counts == BoundaryCounts(3, 3, 2)
    assert counts.precision == 2 / 3 and counts.recall == 2 / 3
    assert counts.f1 == 2 * 2 / (3 + 3)


def test_unequal_counts_give_different_precision_and_recall():
    counts = count_boundaries([10, 20], [10, 20, 30, 40], tolerance=0)
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 0.5, 2 * 2 / 6)


def test_no_cuts_on_either_side_is_full_agreement_and_on_one_side_none():
    assert count_boundaries([], [], 0).f1 == 1.0
    assert count_boundaries([], [5], 0).f1 == 0.0


def test_a_cut_is_matched_to_its_nearest_counterpart():
    # b's 10 and 11 are both within 2 of a's 11: the exact one wins, 10 stays unmatched.
    assert match_positions([11], [10, 11], tolerance=2) == [(0, 1)]


def test_the_matching_is_the_largest_one_to_one():
    # pairing 10 with its nearest, 11, would leave 13 and 8 without a partner (5 apart);
    # the largest matching pairs 10~8 and 13~11 (each 2 apart).
    assert match_positions([10, 13], [8, 11], tolerance=2) == [(0, 0), (1, 1)]
    assert match_positions([10], [8, 12], tolerance=2) == [(0, 0)]  # a tie goes to the earlier


def test_token_tolerance_counts_tokens_not_characters():
    text = "alpha beta gamma delta"
    token_starts = [0, 6, 11, 17]
    a = Annotation("a", [StepLabel(0, 6), StepLabel(6, 22)])  # cut at "beta" (token 1)
    b = Annotation("b", [StepLabel(0, 11), StepLabel(11, 22)])  # cut at "gamma" (token 2)
    pa, pb = prepare(a, text, token_starts), prepare(b, text, token_index(token_starts))
    assert (pa.positions, pb.positions) == ([1], [2])
    assert count_boundaries(pa.positions, pb.positions, tolerance=1).matched == 1
    assert count_boundaries(pa.cuts, pb.cuts, tolerance=1).matched == 0  # 5 characters apart


@settings(deadline=None)  # a loaded machine must not fail a property
@given(positions)
def test_a_segmentation_agrees_fully_with_itself(cuts):
    assert count_boundaries(cuts, cuts, tolerance=0).f1 == 1.0


@settings(deadline=None)  # a loaded machine must not fail a property
@given(positions, positions, st.integers(0, 6))
def test_f1_is_symmetric_and_precision_recall_swap(a, b, tolerance):
    ab, ba = count_boundaries(a, b, tolerance), count_boundaries(b, a, tolerance)
    assert ab.f1 == ba.f1
    assert (ab.precision, ab.recall) == (ba.recall, ba.precision)


@settings(deadline=None)  # a loaded machine must not fail a property
@given(positions, positions, st.integers(0, 6))
def test_matching_is_one_to_one_within_tolerance_and_optimal(a, b, tolerance):
    pairs = match_positions(a, b, tolerance)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(abs(a[i] - b[j]) <= tolerance for i, j in pairs)
    exact = _align(a, b, 0, len(a), 0, len(b), tolerance)  # the full alignment, no grouping
    assert len(pairs) == len(exact)
    assert sum(abs(a[i] - b[j]) for i, j in pairs) == sum(abs(a[i] - b[j]) for i, j in exact)

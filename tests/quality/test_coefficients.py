"""Cohen's kappa and Krippendorff's alpha from count tables, against hand arithmetic,
Krippendorff's worked example and the libraries (scikit-learn, ``krippendorff``)."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.quality.coefficients import (
    NOMINAL, ORDINAL, coincidences, cohen_kappa, krippendorff_alpha, linear, observed,
)
from curation.quality.reference import library_alpha, library_kappa

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1..5, None where an observer did not code the unit.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def confusion(a, b) -> Counter:
    return Counter(zip(a, b))


def units_of(rows):
    return [[v for v in column if v is not None] for column in zip(*rows)]


def test_kappa_by_hand():
    a, b = ["x", "x", "y", "y"], ["x", "y", "y", "y"]
    # observed 3/4; chance: P_a(x) P_b(x) + P_a(y) P_b(y) = 1/2*1/4 + 1/2*3/4 = 1/2
    # kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2
    assert cohen_kappa(confusion(a, b)) == pytest.approx(0.5)
    assert library_kappa(a, b) == pytest.approx(0.5)


def test_weighted_kappa_by_hand():
    a, b = [-1, 0, 1, 1], [0, 0, 1, -1]
    # |x - y| distances: observed (1 + 0 + 0 + 2) / 4 = 3/4
    # rows -1:1 0:1 1:2, cols -1:1 0:2 1:1; chance = sum r_x c_y |x-y| / 16
    #   = (1*2*1 + 1*1*2 + 1*1*1 + 1*1*1 + 2*1*2 + 2*2*1) / 16 = 14/16
    # kappa = 1 - (3/4) / (14/16) = 1 - 12/14 = 1/7
    assert cohen_kappa(confusion(a, b), linear) == pytest.approx(1 / 7)
    assert library_kappa(a, b, weights="linear", labels=[-1, 0, 1]) == pytest.approx(1 / 7)


def test_kappa_of_a_single_category_is_undefined_but_agreement_observed():
    table = confusion([1, 1, 1], [1, 1, 1])
    assert cohen_kappa(table) is None and library_kappa([1, 1, 1], [1, 1, 1]) is None
    assert observed(table) == 1.0
    assert cohen_kappa(Counter()) is None and observed(Counter()) is None


def test_alpha_of_krippendorffs_worked_example():
    table = coincidences(units_of(KRIPPENDORFF_2011))
    # n_1..n_5 = 9, 13, 10, 5, 3 (n = 40 pairable values); diagonal 7 + 10 + 8 + 4 + 3 = 32
    # nominal: 1 - (n - 1) (n - 32) / (n^2 - sum n_c^2) = 1 - 39 * 8 / (1600 - 384) = 0.743
    assert krippendorff_alpha(table, NOMINAL) == pytest.approx(1 - 39 * 8 / 1216)
    assert krippendorff_alpha(table, NOMINAL) == pytest.approx(0.743, abs=5e-4)  # the paper's
    assert krippendorff_alpha(table, ORDINAL) == pytest.approx(0.815, abs=5e-4)  # the paper's
    assert library_alpha(KRIPPENDORFF_2011, NOMINAL) == pytest.approx(krippendorff_alpha(table, NOMINAL))
    assert library_alpha(KRIPPENDORFF_2011, ORDINAL) == pytest.approx(krippendorff_alpha(table, ORDINAL))


def test_alpha_by_hand_for_two_coders():
    # units (x,x) (x,y) (y,y) (y,y): o_xx 2, o_xy = o_yx 1, o_yy 4; n_x 3, n_y 5, n 8
    # alpha = 1 - (n - 1) * (o_xy + o_yx) / (2 n_x n_y) = 1 - 7 * 2 / 30
    table = coincidences([["x", "x"], ["x", "y"], ["y", "y"], ["y", "y"]])
    assert krippendorff_alpha(table) == pytest.approx(1 - 14 / 30)


def test_alpha_of_one_value_or_no_pairs_is_undefined():
    assert krippendorff_alpha(coincidences([[1, 1], [1, 1, 1]])) is None
    assert krippendorff_alpha(coincidences([[1], [2]])) is None  # lone values pair with nothing


types = st.sampled_from(["plan", "compute", "check", "conclude"])
ratings = st.sampled_from([-1, 0, 1])


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.lists(st.tuples(types, types), min_size=1, max_size=40))
def test_kappa_equals_scikit_learn_for_types(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    _assert_same(cohen_kappa(confusion(a, b)), library_kappa(a, b))


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.lists(st.tuples(ratings, ratings), min_size=1, max_size=40))
def test_weighted_kappa_equals_scikit_learn_for_ratings(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    expected = library_kappa(a, b, weights="linear", labels=[-1, 0, 1])
    _assert_same(cohen_kappa(confusion(a, b), linear), expected)


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.lists(st.tuples(types, types), min_size=1, max_size=40))
def test_kappa_is_symmetric(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    _assert_same(cohen_kappa(confusion(a, b)), cohen_kappa(confusion(b, a)))


def reliability(values):
    return st.integers(2, 4).flatmap(
        lambda coders: st.lists(
            st.lists(st.one_of(st.none(), values), min_size=coders, max_size=coders), min_size=1, max_size=30
        )
    )


@settings(deadline=None)  # a loaded machine must not fail a property
@given(reliability(types))
def test_nominal_alpha_equals_the_krippendorff_package(units):
    rows = [list(r) for r in zip(*units)]
    _assert_same(krippendorff_alpha(coincidences(units_of(rows)), NOMINAL), _library_or_none(rows, NOMINAL))


@settings(deadline=None)  # a loaded machine must not fail a property
@given(reliability(ratings))
def test_ordinal_alpha_equals_the_krippendorff_package(units):
    rows = [list(r) for r in zip(*units)]
    _assert_same(krippendorff_alpha(coincidences(units_of(rows)), ORDINAL), _library_or_none(rows, ORDINAL))


def _library_or_none(rows, level):
    """The package divides by zero where no unit has two values: that is undefined too."""
    if not any(len(unit) > 1 for unit in units_of(rows)):
        return None
    return library_alpha(rows, level)


def _assert_same(mine, reference):
    if reference is None:
        assert mine is None
    else:
        assert mine == pytest.approx(reference, abs=1e-9)

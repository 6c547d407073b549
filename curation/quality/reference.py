"""The same coefficients from unit-level data through maintained libraries.

For one-off figures over explicit label lists (a dataset card over a version's units, a check of
a stored figure) and as the reference ``tests/quality`` holds the fast count-table maths of
``coefficients`` to: scikit-learn's ``cohen_kappa_score`` and the ``krippendorff`` package.
Per-trace and per-project figures go through ``coefficients`` instead, because a library call per
trace costs about a millisecond (see docs/BENCHMARKS.md).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from .coefficients import NOMINAL


def library_kappa(
    a: Sequence[Hashable], b: Sequence[Hashable], weights: str | None = None,
    labels: Sequence[Hashable] | None = None,
) -> float | None:
    """scikit-learn's Cohen's kappa of two aligned label lists; None where it is undefined."""
    if not a:
        return None
    with warnings.catch_warnings():  # one label only: undefined, which None says already
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b, weights=weights, labels=labels, replace_undefined_by=np.nan)
    return None if math.isnan(value) else float(value)


def library_alpha(
    reliability: Sequence[Sequence[Hashable | None]], level: str = NOMINAL
) -> float | None:
    """The ``krippendorff`` package's alpha of an annotators x units table (None = missing).

    Values are mapped to their rank among the sorted distinct values, so string types work and
    the ordinal order is the values' own; None where alpha is undefined (one value only)."""
    domain = sorted({v for row in reliability for v in row if v is not None})
    if len(domain) < 2:
        return None
    rank = {v: float(i) for i, v in enumerate(domain)}
    data = [[np.nan if v is None else rank[v] for v in row] for row in reliability]
    with np.errstate(invalid="ignore", divide="ignore"):  # no pairable unit: nan, then None
        value = krippendorff.alpha(
            reliability_data=data, value_domain=list(range(len(domain))), level_of_measurement=level
        )
    return None if math.isnan(value) else float(value)

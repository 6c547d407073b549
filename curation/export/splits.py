"""Train/validation/test assignment by a hash of the normalized problem.

One problem never lands in two splits (several traces of one problem share its split), and the
same problem gets the same split on every run and every machine: the hash is SHA-256 of UTF-8
text, not Python's salted ``hash()``.
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata

SPLITS = ("train", "validation", "test")
DEFAULT_RATIOS = (0.9, 0.05, 0.05)

_WHITESPACE = re.compile(r"\s+")


def normalize_problem(problem: str) -> str:
    """Fold the differences that do not make a new problem: Unicode form, case, whitespace."""
    text = unicodedata.normalize("NFKC", problem).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def problem_bucket(problem: str) -> float:
    """A number in [0, 1) fixed by the normalized problem."""
    digest = hashlib.sha256(normalize_problem(problem).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def validate_ratios(ratios: tuple[float, float, float]) -> None:
    if len(ratios) != len(SPLITS) or any(r < 0 for r in ratios):
        raise ValueError(f"split ratios must be three non-negative numbers, got {ratios!r}")
    if not math.isclose(sum(ratios), 1.0, abs_tol=1e-9):
        raise ValueError(f"split ratios must add up to 1, got {ratios!r}")


def split_for(problem: str, ratios: tuple[float, float, float] = DEFAULT_RATIOS) -> str:
    """``"train"``, ``"validation"`` or ``"test"`` for this problem."""
    validate_ratios(ratios)
    bucket = problem_bucket(problem)
    upper = 0.0
    for name, ratio in zip(SPLITS, ratios, strict=True):
        upper += ratio
        if bucket < upper:
            return name
    # Rounding can leave the top sliver of [0, 1) past the last bound: it belongs to the
    # last split that has a share at all.
    return next(name for name, ratio in zip(SPLITS[::-1], ratios[::-1], strict=True) if ratio > 0)

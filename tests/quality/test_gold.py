"""An annotator against gold (``gold``) and screening on the results (``routing.screen``)."""
from __future__ import annotations

from curation.quality import Annotation, GoldResult, ScreeningRules, StepLabel, gold_accuracy, pooled, screen
from curation.quality.routing import Screening

GOLD = Annotation("gold", [
    StepLabel(0, 10, "plan", 1), StepLabel(10, 20, "compute", 1), StepLabel(20, 30, "check", -1),
])


def test_gold_accuracy_by_hand():
    mine = Annotation("ann", [
        StepLabel(0, 10, "plan", 1), StepLabel(10, 20, "check", 1), StepLabel(20, 25, "check", -1),
        StepLabel(25, 30, "check", -1),
    ])
    result = gold_accuracy(mine, GOLD)
    # cuts: mine 10, 20, 25; gold 10, 20 -> P 2/3, R 1, F1 4/5
    assert (result.cuts, result.gold_cuts, result.matched_cuts) == (3, 2, 2)
    assert result.boundary_f1 == 4 / 5
    # matched steps: [0,10) and [10,20); types plan ok, check != compute -> 1/2; ratings 2/2
    assert (result.type_accuracy, result.rating_accuracy) == (0.5, 1.0)


def test_gold_itself_scores_full_marks():
    result = gold_accuracy(GOLD, GOLD)
    assert (result.boundary_f1, result.type_accuracy, result.rating_accuracy) == (1.0, 1.0, 1.0)


def test_unlabelled_gold_leaves_accuracy_undefined():
    plain = Annotation("gold", [StepLabel(0, 10), StepLabel(10, 20)])
    result = gold_accuracy(plain, plain)
    assert result.type_accuracy is None and result.rating_accuracy is None


def test_results_pool_by_counts():
    total = pooled([GoldResult(1, 2, 2, 2, 2, 2, 2, 2), GoldResult(1, 2, 2, 0, 2, 0, 2, 1)])
    assert (total.items, total.boundary_f1, total.type_accuracy, total.rating_accuracy) == (2, 0.5, 0.5, 0.75)


def test_screening_is_pending_until_enough_items_then_passes_or_fails():
    rules = ScreeningRules(threshold=0.8, min_items=2)
    good = gold_accuracy(GOLD, GOLD)
    bad = gold_accuracy(Annotation("ann", [StepLabel(0, 30, "plan", 1)]), GOLD)
    assert screen([good], rules) == Screening.PENDING
    assert screen([good, good], rules) == Screening.PASSED
    assert screen([good, bad], rules) == Screening.FAILED  # pooled F1 2*2 / (2 + 4) = 2/3


def test_screening_on_chosen_figures_only():
    rules = ScreeningRules(threshold=0.9, min_items=1, metrics=("boundary_f1",))
    wrong_types = Annotation("ann", [StepLabel(s.start, s.end, "other", s.rating) for s in GOLD.steps])
    assert screen([gold_accuracy(wrong_types, GOLD)], rules) == Screening.PASSED

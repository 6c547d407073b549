"""Boundary scores against gold steps (``evaluate``)."""
from __future__ import annotations

import pytest

from curation.traces.records import StepSpan, TraceRecord
from curation.segment.evaluate import aggregate, gold_text, rebuild_text, score_boundaries


def test_identical_steps_score_one():
    spans = [(0, 5), (6, 10), (11, 15)]
    score = score_boundaries(spans, spans, tolerance=0)
    assert (score.precision, score.recall, score.f1, score.mean_step_count_error) == (1, 1, 1, 0)


def test_a_near_boundary_counts_only_within_the_tolerance():
    gold = [(0, 10), (11, 20)]
    predicted = [(0, 13), (14, 20)]
    assert score_boundaries(gold, predicted, tolerance=0).f1 == 0
    assert score_boundaries(gold, predicted, tolerance=3).f1_near == 1
    assert score_boundaries(gold, predicted, tolerance=2).f1_near == 0


def test_each_gold_boundary_matches_at_most_one_prediction():
    score = score_boundaries([(0, 10), (10, 20)], [(0, 9), (9, 11), (11, 20)], tolerance=2)
    assert (score.near, score.precision_near, score.recall_near) == (1, 0.5, 1.0)


def test_missing_and_extra_steps_lower_recall_precision_and_count_error():
    score = score_boundaries([(0, 3), (4, 7), (8, 11)], [(0, 7), (8, 9), (10, 11)], tolerance=0)
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert score.step_count_error == 0
    assert score_boundaries([(0, 3), (4, 7)], [(0, 7)]).mean_step_count_error == 1


def test_scores_of_many_texts_add_up_by_their_counts():
    one = score_boundaries([(0, 1), (2, 3)], [(0, 1), (2, 3)])
    two = score_boundaries([(0, 1), (2, 3), (4, 5)], [(0, 5)])
    total = aggregate([one, two])
    assert (total.texts, total.gold, total.exact, total.predicted) == (2, 3, 1, 1)
    assert total.recall == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("joiner", "separator"), [("blank", "\n\n"), ("newline", "\n"), ("space", " ")]
)
def test_rebuild_text_joins_stripped_steps(joiner, separator):
    text, spans = rebuild_text(["  a b ", "", "c\n"], joiner)
    assert text == f"a b{separator}c"
    assert [text[s:e] for s, e in spans] == ["a b", "c"]


def test_gold_text_keeps_the_source_text_or_rebuilds_it():
    record = TraceRecord(problem="p", reasoning="x. \n y.", steps=[StepSpan(0, 3), StepSpan(3, 7)],
                         steps_field="reasoning")
    assert gold_text(record, "original") == ("x. \n y.", [(0, 2), (5, 7)])
    assert gold_text(record, "space") == ("x. y.", [(0, 2), (3, 5)])
    assert gold_text(TraceRecord(problem="p"), "blank") is None

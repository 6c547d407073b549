"""The learned strategy on the real gold in ../shared/data (skipped when it is absent).

Floors a little under the measured learning curves (docs/SEGMENTATION.md): trained on 100
PRMBench texts, scored on 100 others of the same files.
"""
from __future__ import annotations

import random

import pytest

from curation.segment.evaluate import gold_text
from curation.segment.gold import gold_records
from curation.segment.learned import learning_curve

from .conftest import shared_file

pytestmark = pytest.mark.shared_data


def prmbench(joiner: str) -> list:
    found = []
    for name in ("prmbench_prm800k_test_p1.jsonl", "prmbench_prm800k_test_p2.jsonl"):
        with shared_file(name).open("rb") as stream:
            found.extend(gold_records(stream, name=name, limit=100))
    random.Random(0).shuffle(found)
    return [gold_text(record, joiner) for record in found]


@pytest.mark.parametrize(("joiner", "floor"), [("newline", 0.97), ("space", 0.88)])
def test_a_model_of_100_traces_cuts_held_out_ones_of_the_same_source(joiner, floor):
    [(size, score)] = learning_curve(prmbench(joiner), [100], test=100)
    assert size == 100 and score.texts == 100
    assert score.f1 >= floor

"""The segmenter on the real public data in ../shared/data (skipped when it is absent).

Floors a little under the measured figures (docs/SEGMENTATION.md), so a change that makes a
strategy worse on the data it is meant for fails here.
"""
from __future__ import annotations

import json
from itertools import islice

import pytest

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.traces.records import TraceRecord
from curation.segment import STRATEGIES, segment_text
from curation.segment.evaluate import gold_text
from curation.segment.gold import gold_records, score_strategy

from .conftest import shared_file
from .learned_data import synthetic_model
from .test_invariants import assert_valid_steps

pytestmark = pytest.mark.shared_data


def gold(name: str, mapping: str | None = None, limit: int = 100) -> list[TraceRecord]:
    with shared_file(name).open("rb") as stream:
        return list(gold_records(stream, name=name, preset="mapping" if mapping else "auto",
                                 mapping=KNOWN_MAPPINGS[mapping] if mapping else None, limit=limit))


def f1(records: list[TraceRecord], joiner: str, strategy: str, params: dict | None = None) -> float:
    return score_strategy(records, strategy, params, joiner=joiner).f1


@pytest.mark.parametrize(("name", "joiner", "floor"), [
    ("processbench_math.jsonl", "blank", 0.95),
    ("processbench_math.jsonl", "newline", 0.85),
    ("prmbench_prm800k_test_p1.jsonl", "newline", 0.95),
    ("bigbench_mistake_logical_deduction.jsonl", "newline", 0.95),
])
def test_solution_finds_the_steps_of_step_lists(name, joiner, floor):
    assert f1(gold(name), joiner, "solution") >= floor


@pytest.mark.parametrize(("name", "mapping"), [
    ("thought_anchors_r1_distill_chunked.jsonl", "thought_anchors_chunked"),
    ("r1_math500_traces_topology_parsed.jsonl", "r1_math500_parsed_episodes"),
])
def test_discourse_finds_the_sentence_chunks_of_reasoning_traces(name, mapping):
    assert f1(gold(name, mapping), "original", "discourse", {"granularity": "sentence"}) >= 0.9


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_strategy_keeps_the_invariants_on_real_traces(strategy):
    with shared_file("r1_math500_traces_topology.jsonl").open(encoding="utf-8") as lines:
        texts = [json.loads(line)["full_response"] for line in islice(lines, 20)]
    params = {"model": synthetic_model()} if strategy == "learned" else None
    for text in texts:
        assert_valid_steps(text, segment_text(text, strategy, params))


@pytest.mark.parametrize(
    "name", ["tau_bench_gpt4o_airline_trajectories.jsonl", "swe_agent_trajectories.jsonl"]
)
def test_actions_recovers_the_rendered_actions_of_agent_trajectories(name):
    for record in gold(name, limit=10):
        text = getattr(record, record.steps_field)
        predicted = [(s.start, s.end) for s in segment_text(text, "actions")]
        assert set(gold_text(record, "original")[1]) <= set(predicted)

"""Every real public file in ../shared/data imports with exactly the expected result.

The data is never copied into the repo (see ../shared/data/SOURCES.md for provenance); the
tests skip when it is absent. Counts: traces imported, steps carried by the source, and the
records refused, with the reason for each known-bad group.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.pipeline import parse_stream
from curation.traces.records import RecordError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not present"),
]

# PRMBench rows whose error_steps point past their modified_process (labels made for
# another version of the steps): refused on purpose.
PRMBENCH_BAD = "are outside the"
# Two thought-anchors "scenario" rows chunk past </think> into the answer, so their chunks
# cannot all lie in the reasoning: refused on purpose.
CHUNKS_PAST_THINK = "steps are not found in the reasoning"

# file -> how it is imported ("preset" chosen by auto-detection, or "mapping") and what comes out.
EXPECTATIONS: dict[str, dict] = {
    "bigbench_mistake_dyck_languages.jsonl": {
        "preset": "first_error",
        "traces": 986,
        "steps": 24178,
    },
    "bigbench_mistake_logical_deduction.jsonl": {
        "preset": "first_error",
        "traces": 300,
        "steps": 2497,
    },
    "bigbench_mistake_multistep_arithmetic.jsonl": {
        "preset": "first_error",
        "traces": 300,
        "steps": 1506,
    },
    "bigbench_mistake_tracking_shuffled_objects.jsonl": {
        "preset": "first_error",
        "traces": 300,
        "steps": 1617,
    },
    "bigbench_mistake_word_sorting.jsonl": {"preset": "first_error", "traces": 300, "steps": 3508},
    "prmbench_multi_solutions_qwq.jsonl": {"preset": "first_error", "traces": 174, "steps": 2582},
    "prmbench_prm800k_test_p1.jsonl": {
        "preset": "first_error",
        "traces": 697,
        "steps": 10313,
        "errors": 21,
        "error_reason": PRMBENCH_BAD,
    },
    "prmbench_prm800k_test_p2.jsonl": {
        "preset": "first_error",
        "traces": 2108,
        "steps": 22881,
        "errors": 22,
        "error_reason": PRMBENCH_BAD,
    },
    "prmbench_prm800k_train_p1_first400.jsonl": {
        "preset": "first_error",
        "traces": 3146,
        "steps": 45642,
        "errors": 57,
        "error_reason": PRMBENCH_BAD,
    },
    "processbench_gsm8k.jsonl": {"preset": "processbench", "traces": 400, "steps": 2082},
    "processbench_math.jsonl": {"preset": "processbench", "traces": 1000, "steps": 6505},
    "processbench_olympiadbench.jsonl": {"preset": "processbench", "traces": 1000, "steps": 8819},
    "r1_distill_annotated_steering_thinking.jsonl": {
        "preset": "generation",
        "traces": 500,
        "steps": 0,
    },
    "r1_math500_traces_topology.jsonl": {"preset": "generation", "traces": 60, "steps": 0},
    "r1_math500_traces_topology_parsed.jsonl": {
        "mapping": "r1_math500_parsed_episodes",
        "traces": 20,
        "steps": 2287,
    },
    "swe_agent_trajectories.jsonl": {"preset": "agent", "traces": 55, "steps": 529},
    "tau_bench_gpt4o_airline_trajectories.jsonl": {"preset": "agent", "traces": 200, "steps": 2454},
    "thought_anchors_chunk_category_labels.jsonl": {
        "mapping": "thought_anchors_chunk_labels",
        "traces": 166,
        "steps": 16755,
    },
    "thought_anchors_r1_distill_chunked.jsonl": {
        "mapping": "thought_anchors_chunked",
        "traces": 40,
        "steps": 5814,
        "errors": 2,
        "error_reason": CHUNKS_PAST_THINK,
    },
    "thought_anchors_r1_distill_cots.jsonl": {"preset": "generation", "traces": 3019, "steps": 0},
}


def import_file(name: str) -> tuple[str, list, list[RecordError]]:
    spec = EXPECTATIONS[name]
    mapping = KNOWN_MAPPINGS[spec["mapping"]] if "mapping" in spec else None
    with (DATA / name).open("rb") as stream:
        parsed = parse_stream(stream, name=name, mapping=mapping)
        items = list(parsed)
    traces = [item for _, item in items if not isinstance(item, RecordError)]
    errors = [item for _, item in items if isinstance(item, RecordError)]
    return parsed.preset, traces, errors


def test_every_data_file_has_an_expectation():
    assert sorted(p.name for p in DATA.glob("*.jsonl")) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_real_file_imports_with_the_expected_counts(name):
    spec = EXPECTATIONS[name]
    preset, traces, errors = import_file(name)
    assert preset == spec.get("preset", "mapping")
    assert len(traces) == spec["traces"]
    assert sum(len(t.steps or []) for t in traces) == spec["steps"]
    assert len(errors) == spec.get("errors", 0), errors[:3]
    assert all(spec["error_reason"] in e.reason for e in errors)


def test_cut_off_thought_anchors_generations_are_marked_truncated():
    _, traces, _ = import_file("thought_anchors_r1_distill_cots.jsonl")
    assert (
        sum(1 for t in traces if t.source.get("truncated")) == 389
    )  # SOURCES.md: 2,630 of 3,019 closed


def test_steering_responses_that_end_at_think_have_no_response():
    _, traces, _ = import_file("r1_distill_annotated_steering_thinking.jsonl")
    assert sum(1 for t in traces if not t.response) == 94  # SOURCES.md: 94 end right at </think>


def test_real_step_spans_point_inside_their_field():
    for name in ("processbench_math.jsonl", "tau_bench_gpt4o_airline_trajectories.jsonl"):
        for trace in import_file(name)[1]:
            text = getattr(trace, trace.steps_field)
            assert all(0 <= s.start <= s.end <= len(text) for s in trace.steps)


def test_auto_reads_the_thought_anchors_chunked_file_through_its_built_in_mapping():
    with (DATA / "thought_anchors_r1_distill_chunked.jsonl").open("rb") as stream:
        parsed = parse_stream(stream, mappings=KNOWN_MAPPINGS)
        items = list(parsed)
    assert (parsed.preset, parsed.mapping_name) == ("mapping", "thought_anchors_chunked")
    assert sum(not isinstance(item, RecordError) for _, item in items) == 40


@pytest.mark.parametrize(
    "name", [n for n, spec in sorted(EXPECTATIONS.items()) if "preset" in spec]
)
def test_auto_with_the_built_in_mappings_keeps_each_presets_choice(name):
    with (DATA / name).open("rb") as stream:
        parsed = parse_stream(stream, name=name, mappings=KNOWN_MAPPINGS)
    assert parsed.preset == EXPECTATIONS[name]["preset"]

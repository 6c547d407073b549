"""A cap on SRL rows per trace and a context rule per steps field (issue 13/16): a trace past the
cap keeps the rows of its first steps, the manifest and card say so, the estimate follows."""
from __future__ import annotations

import json

from curation.export import build_artifacts
from curation.export.context import ContextRule, rule_of
from curation.export.estimate import TraceSize, estimate_build
from curation.export.formats.srl import srl_rows
from curation.export.options import BuildOptions
from tests.factories import agent_trace, text_trace


def steps(count: int) -> list[str]:
    return [f"step {n:04d} " + "w" * 30 for n in range(1, count + 1)]


def test_a_capped_trace_keeps_the_rows_of_its_first_steps():
    rows = list(srl_rows(text_trace(steps(10)), BuildOptions(srl_max_steps_per_trace=3)))

    assert [row["step_index"] for row in rows] == [1, 2, 3]
    assert all(row["num_steps"] == 10 for row in rows)  # the trace is still 10 steps long


def test_a_trace_within_the_cap_keeps_every_row():
    rows = list(srl_rows(text_trace(steps(3)), BuildOptions(srl_max_steps_per_trace=5)))

    assert len(rows) == 3


def test_the_cap_applies_to_agent_trajectories_too():
    rows = list(srl_rows(agent_trace(n_actions=6), BuildOptions(srl_max_steps_per_trace=2)))

    assert len(rows) == 2


def test_the_manifest_records_the_cap_and_the_rows_it_left_out(tmp_path):
    traces = [text_trace(steps(10), trace_id=1), text_trace(steps(2), trace_id=2, problem="b")]
    options = BuildOptions(srl_max_steps_per_trace=4)

    result = build_artifacts(traces, tmp_path, ("srl", "prm"), ("jsonl",), options)

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["options"]["srl_max_steps_per_trace"] == 4
    assert manifest["srl_rows_capped"] == 6
    assert sum(n for (fmt, _), n in result.rows.items() if fmt == "srl") == 6
    assert sum(n for (fmt, _), n in result.rows.items() if fmt == "prm") == 2  # whole traces
    assert "capped at 4 per trace" in (tmp_path / "README.md").read_text()


def test_a_rule_per_field_overrides_the_fields_default():
    options = BuildOptions(srl_context_by_field=(("reasoning", 0, 0), ("response", 2, None)))

    assert rule_of("reasoning", options) == ContextRule()  # 0: no limit
    assert rule_of("response", options) == ContextRule(max_steps=2)


def test_a_field_the_build_does_not_name_keeps_its_default():
    options = BuildOptions(srl_context_by_field=(("response", 2, None),))

    assert rule_of("reasoning", options) == ContextRule(max_tokens=2048)


def test_the_estimate_counts_only_the_capped_rows():
    size = TraceSize(problem=20, response=4000, num_steps=100)

    capped = estimate_build([size], ("srl",), BuildOptions(srl_max_steps_per_trace=10))
    whole = estimate_build([size], ("srl",), BuildOptions())

    assert capped["srl"].rows == 10
    assert capped["srl"].bytes < whole["srl"].bytes / 20

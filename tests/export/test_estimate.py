"""Rows and bytes estimated before a build, from per-trace lengths and step counts, against
what the build then writes."""
from __future__ import annotations

import pytest

from curation.export import build_artifacts
from curation.export.estimate import (
    BuildTooLarge,
    SizeEstimate,
    TraceSize,
    check_size,
    estimate_build,
)
from curation.export.formats import FORMATS
from curation.export.options import BuildOptions
from tests.factories import agent_trace, solution_trace, text_trace


def size_of(trace) -> TraceSize:
    return TraceSize(problem=len(trace.problem), reasoning=len(trace.reasoning),
                     response=len(trace.response), answer=len(trace.answer),
                     num_steps=len(trace.steps), steps_field=trace.steps_field, kind=trace.kind)


def corpus() -> list:
    traces = [solution_trace(trace_id=n, problem=f"problem {n} " + "p" * (n * 7))
              for n in range(20)]
    traces += [text_trace([f"step {k} " + "s" * (50 + 13 * (k % 5)) for k in range(n)],
                          trace_id=100 + n, problem=f"long {n}") for n in (40, 120, 300)]
    long_reasoning = text_trace(["r" * 300] * 200, trace_id=500, problem="think", preamble="")
    long_reasoning.reasoning, long_reasoning.response = long_reasoning.response, "final"
    long_reasoning.steps_field = "reasoning"
    return [*traces, long_reasoning, agent_trace(trace_id=600, n_actions=6)]


@pytest.mark.parametrize("options", [
    BuildOptions(),
    BuildOptions(srl_context_steps=2),
    BuildOptions(srl_context_tokens=500),
    BuildOptions(srl_max_steps_per_trace=30),
    BuildOptions(srl_context_by_field=(("reasoning", 0, 0), ("response", 3, None))),
], ids=["defaults", "last-2-steps", "500-tokens", "30-steps-a-trace", "rule-per-field"])
def test_the_estimate_is_within_a_quarter_of_what_is_written(tmp_path, options):
    traces = corpus()
    result = build_artifacts(traces, tmp_path / "v", list(FORMATS), ("jsonl",), options)

    estimates = estimate_build([size_of(t) for t in traces], list(FORMATS), options)

    for name in FORMATS:
        written = sum(f.stat().st_size for f in (tmp_path / "v" / name / "data").iterdir())
        rows = sum(n for (fmt, _), n in result.rows.items() if fmt == name)
        assert estimates[name].rows == rows, name
        assert 0.75 < estimates[name].bytes / written < 1.25, (name, estimates[name], written)


def test_a_bounded_context_makes_long_traces_linear():
    long = [TraceSize(problem=100, response=300_000, num_steps=1_000)]

    whole = estimate_build(long, ["srl"])["srl"].bytes
    bounded = estimate_build(long, ["srl"], BuildOptions(srl_context_steps=2))["srl"].bytes

    assert whole > 100 * 10**6 and bounded < 2 * 10**6


def test_a_build_above_the_cap_is_refused_with_the_sizes_and_what_to_change():
    estimates = {"srl": SizeEstimate(3_668, 7_150_000_000), "prm": SizeEstimate(10, 5_000)}

    with pytest.raises(BuildTooLarge, match=r"about 7\.2 GB .*srl 7\.2 GB \(3668 rows\).*"
                                            r"cap of 1\.0 GB: bound the SRL context"):
        check_size(estimates, 10**9)


def test_a_build_within_the_cap_or_without_one_passes():
    estimates = {"srl": SizeEstimate(1, 500)}

    check_size(estimates, 500)
    check_size(estimates, None)

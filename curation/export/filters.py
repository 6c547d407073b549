"""Rating filters applied to each trace before any row is made.

A filter takes a trace and returns it (possibly with fewer steps) or None to leave it out.
They run in the order given, so every format of a version sees the same traces and steps.
Filters cut steps, never text: the SFT format, which uses whole fields, is unaffected by
step truncation (only by a trace being dropped).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from curation.export.records import ExportTrace

TraceFilter = Callable[[ExportTrace], ExportTrace | None]


def drop_traces_with_negative_step(trace: ExportTrace) -> ExportTrace | None:
    """Leave out a trace that has any step rated -1."""
    return None if any(step.rating == -1 for step in trace.steps) else trace


def drop_traces_with_unrated_step(trace: ExportTrace) -> ExportTrace | None:
    """Leave out a trace with an unrated step, so PRM labels never guess."""
    return None if any(step.rating is None for step in trace.steps) else trace


def keep_steps_through_first_negative(trace: ExportTrace) -> ExportTrace | None:
    """Keep the steps up to and including the first -1 (PRM800K's convention: the first
    error is the last informative label)."""
    return _truncate_at_first_negative(trace, keep_negative=True)


def keep_steps_before_first_negative(trace: ExportTrace) -> ExportTrace | None:
    """Keep only the steps before the first -1, so no wrong step becomes an SRL target."""
    return _truncate_at_first_negative(trace, keep_negative=False)


def _truncate_at_first_negative(trace: ExportTrace, keep_negative: bool) -> ExportTrace:
    for index, step in enumerate(trace.steps):
        if step.rating == -1:
            return replace(trace, steps=trace.steps[: index + keep_negative])
    return trace


def apply_filters(trace: ExportTrace, filters: Iterable[TraceFilter]) -> ExportTrace | None:
    """Run the filters in order; None as soon as one leaves the trace out."""
    for trace_filter in filters:
        trace = trace_filter(trace)
        if trace is None:
            return None
    return trace

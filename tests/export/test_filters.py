"""Rating filters: leave traces out or cut their steps before any row is made."""
from __future__ import annotations

from curation.export.filters import (
    apply_filters,
    drop_traces_with_negative_step,
    drop_traces_with_unrated_step,
    keep_steps_before_first_negative,
    keep_steps_through_first_negative,
)
from tests.factories import text_trace


def ratings(trace):
    return [step.rating for step in trace.steps]


def test_traces_with_any_negative_step_are_left_out():
    assert drop_traces_with_negative_step(text_trace(["a", "b"], ratings=[1, -1])) is None
    kept = text_trace(["a", "b"], ratings=[1, 0])
    assert drop_traces_with_negative_step(kept) is kept


def test_traces_with_an_unrated_step_are_left_out():
    assert drop_traces_with_unrated_step(text_trace(["a", "b"], ratings=[1, None])) is None


def test_steps_through_the_first_negative_keep_that_step():
    trace = text_trace(["a", "b", "c", "d"], ratings=[1, -1, 1, -1])
    assert ratings(keep_steps_through_first_negative(trace)) == [1, -1]


def test_steps_before_the_first_negative_drop_that_step():
    trace = text_trace(["a", "b", "c"], ratings=[1, -1, 1])
    assert ratings(keep_steps_before_first_negative(trace)) == [1]


def test_truncation_leaves_the_text_and_the_original_trace_alone():
    trace = text_trace(["a", "b", "c"], ratings=[1, -1, 1])
    cut = keep_steps_before_first_negative(trace)
    assert cut.response == trace.response and len(trace.steps) == 3


def test_filters_run_in_order_and_stop_at_the_first_refusal():
    trace = text_trace(["a", "b"], ratings=[1, -1])
    truncated_then_checked = [keep_steps_before_first_negative, drop_traces_with_negative_step]
    assert ratings(apply_filters(trace, truncated_then_checked)) == [1]
    assert apply_filters(trace, truncated_then_checked[::-1]) is None

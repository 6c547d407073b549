"""ExportTrace: the input contract, checked where it enters."""
from __future__ import annotations

import pytest

from curation.export.records import ExportStep, ExportTrace, parse_step_title


def test_plain_tuples_become_steps():
    trace = ExportTrace(1, "p", response="abcdef", steps=[(0, 3, "plan", 1, "n", None)])
    assert trace.steps == [ExportStep(0, 3, "plan", 1, "n", None)]
    assert trace.step_text(trace.steps[0]) == "abc"


@pytest.mark.parametrize("spans", [[(0, 9)], [(3, 2)], [(2, 4), (3, 5)], [(-1, 2)]])
def test_spans_outside_the_field_or_out_of_order_are_refused(spans):
    with pytest.raises(ValueError, match="trace 1"):
        ExportTrace(1, "p", response="abcdef", steps=spans)


def test_steps_point_into_reasoning_or_response_only():
    with pytest.raises(ValueError):
        ExportTrace(1, "p", steps_field="problem")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("1. **Isolate x** Subtract 1.", "Isolate x"),
        ("12) **Check:** plug in", "Check"),
        ("3. **Prime Factorization of 20!**: The primes are", "Prime Factorization of 20!"),
        ("**Isolate x** without a number", None),
        ("1. Isolate x without bold", None),
    ],
)
def test_titles_are_read_from_the_numbered_bold_form(text, title):
    assert parse_step_title(text) == title

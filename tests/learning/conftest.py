"""A project whose traces people cut: synthetic space-joined step lists (rules miss them) or
numbered solutions (rules get them all)."""
from __future__ import annotations

import pytest

from tests.factories import SOLUTION, add_segmentation, add_trace, step_spans
from tests.segment.learned_data import synthetic_examples


def add_human_traces(project, author, count: int, *, status: str = "submitted", start: int = 0,
                     numbered: bool = False) -> list:
    """``count`` traces, each with a human segmentation of its response (and an automatic one
    that cuts every sentence, which training must not read)."""
    traces = []
    examples = synthetic_examples(count, seed=start + 7)
    for n, (text, spans) in enumerate(examples, start=start):
        if numbered:
            text, spans = SOLUTION, step_spans(SOLUTION)
        trace = add_trace(project, n, text=text, content_hash=f"learn-{n}", problem=f"Problem {n}")
        add_segmentation(trace, origin="human", status=status, author=author, spans=spans)
        add_segmentation(trace, origin="auto", spans=[(0, len(text))])
        traces.append(trace)
    return traces


@pytest.fixture
def taught(project, lead):
    """Twelve space-joined traces cut by people: the model learns them, the rules do not."""
    return add_human_traces(project, lead, 12)

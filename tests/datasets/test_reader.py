"""Chosen segmentations come out of the database as the export core's traces, in chunks."""
from __future__ import annotations

import pytest

from curation.services.datasets.reader import export_traces
from curation.services.datasets.selection import chosen_segmentations
from curation.services.datasets.spec import BuildSpec

from tests.factories import SOLUTION, add_segmentation, add_trace, step_spans

pytestmark = pytest.mark.django_db


def read(project, **kwargs):
    return list(export_traces(chosen_segmentations(project, BuildSpec(source="auto")), **kwargs))


def test_reading_costs_one_query_per_chunk_of_steps_not_one_per_trace(
    project, django_assert_num_queries
):
    for n in range(6):
        add_segmentation(add_trace(project, n))

    with django_assert_num_queries(1 + 2):  # the traces, then the steps of each chunk of 3
        traces = read(project, chunk_size=3)

    assert len(traces) == 6 and all(len(t.steps) == 3 for t in traces)


def test_traces_come_in_trace_id_order(project):
    traces = [add_trace(project, n) for n in range(4)]
    for trace in reversed(traces):
        add_segmentation(trace)

    assert [t.trace_id for t in read(project)] == [t.pk for t in traces]


def test_a_trace_carries_its_segmentation_s_spans_and_labels(project):
    trace = add_trace(project, 1, source={"id": "gsm-1"})
    segmentation = add_segmentation(trace, ratings=[1, None, -1], notes=["", "why?", ""],
                                    types=["premise", "compute", "conclude"], revision=4)

    exported = read(project)[0]

    assert (exported.segmentation_id, exported.revision, exported.steps_field) == (
        segmentation.pk, 4, "response")
    assert [tuple(s[:5]) for s in exported.steps] == [
        (start, end, kind, rating, note) for (start, end), kind, rating, note in zip(
            step_spans(SOLUTION), ["premise", "compute", "conclude"], [1, None, -1],
            ["", "why?", ""])]
    assert exported.source == {"id": "gsm-1"} and exported.teacher_model == "teacher-x"


@pytest.mark.parametrize("origin,expected", [("auto", "auto:solution"), ("imported", "imported"),
                                             ("human", "anna")])
def test_the_author_says_who_cut_the_trace(project, annotator, origin, expected):
    author = annotator if origin == "human" else None
    add_segmentation(add_trace(project, 1), origin=origin, author=author)

    assert read(project)[0].author == expected

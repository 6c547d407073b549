"""Which segmentation of a trace a version uses, under each source rule."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from curation.models import Segmentation
from curation.services.datasets.selection import chosen_segmentations
from curation.services.datasets.spec import BuildSpec

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db


def chosen(project, **spec) -> dict[int, int]:
    """trace id -> the id of the segmentation a build with this spec would use."""
    rows = chosen_segmentations(project, BuildSpec(**spec)).values_list("trace_id", "pk")
    return dict(rows)


def submitted_by(trace, user, minutes_ago: int = 0) -> Segmentation:
    segmentation = add_segmentation(trace, origin="human", status="submitted", author=user)
    Segmentation.objects.filter(pk=segmentation.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes_ago))
    return segmentation


@pytest.fixture
def trace(project):
    return add_trace(project, 1)


def test_approved_wins_over_submitted_and_automatic(project, trace, annotator, reviewer):
    add_segmentation(trace)
    submitted_by(trace, annotator)
    approved = add_segmentation(trace, origin="human", status="approved", author=reviewer)

    for source in ("approved", "submitted", "auto"):
        assert chosen(project, source=source) == {trace.pk: approved.pk}


def test_the_latest_submission_wins_by_default(project, trace, annotator, reviewer):
    submitted_by(trace, annotator, minutes_ago=5)
    latest = submitted_by(trace, reviewer, minutes_ago=1)

    assert chosen(project, source="submitted") == {trace.pk: latest.pk}


def test_a_named_annotator_s_submission_wins_over_a_later_one(project, trace, annotator, reviewer):
    theirs = submitted_by(trace, annotator, minutes_ago=5)
    submitted_by(trace, reviewer, minutes_ago=1)

    assert chosen(project, source="submitted", annotator="anna") == {trace.pk: theirs.pk}


def test_a_named_annotator_leaves_out_traces_they_did_not_submit(project, trace, reviewer):
    submitted_by(trace, reviewer)

    assert chosen(project, source="submitted", annotator="anna") == {}


def test_source_approved_leaves_out_traces_without_approval(project, trace, annotator):
    submitted_by(trace, annotator)

    assert chosen(project, source="approved") == {}


def test_source_submitted_leaves_out_traces_only_the_segmenter_cut(project, trace):
    add_segmentation(trace)

    assert chosen(project, source="submitted") == {}


def test_source_auto_takes_the_automatic_cut_where_no_person_submitted(project, annotator):
    only_auto, reviewed = add_trace(project, 1), add_trace(project, 2)
    auto = add_segmentation(only_auto)
    add_segmentation(reviewed)
    human = submitted_by(reviewed, annotator)

    assert chosen(project, source="auto") == {only_auto.pk: auto.pk, reviewed.pk: human.pk}


def test_a_draft_is_never_used(project, trace, annotator):
    auto = add_segmentation(trace)
    add_segmentation(trace, origin="human", status="draft", author=annotator)

    assert chosen(project, source="auto") == {trace.pk: auto.pk}
    assert chosen(project, source="submitted") == {}


def test_steps_that_came_with_the_source_count_as_submitted(project, trace):
    imported = add_segmentation(trace, origin="imported", status="submitted")

    assert chosen(project, source="submitted") == {trace.pk: imported.pk}


def test_other_projects_traces_are_never_chosen(project, other_project):
    add_segmentation(add_trace(other_project, 1))

    assert chosen(project, source="auto") == {}

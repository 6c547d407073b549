"""Issue 13: after submitting, an annotator reaches all their earlier work, read only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import Assignment
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue

from tests.factories import add_cut_trace

pytestmark = pytest.mark.django_db


def submit_traces(project, annotator, count: int) -> list[Assignment]:
    done = []
    for n in range(count):
        add_cut_trace(project, 100 + n)
    for _ in range(count):
        assignment = queue.claim_next(project=project, annotator=annotator)
        annotation.submit(segmentation=assignment.segmentation, user=annotator, revision=1)
        done.append(assignment)
    return done


def test_your_traces_are_paginated_past_the_latest_twenty(client, project, annotator):
    done = submit_traces(project, annotator, 23)
    client.force_login(annotator)
    url = reverse("annotate-queue", args=["alpha"])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "Your traces <small>(23)</small>" in first and "page 1 of 2" in first
    shown = {a.trace_id for a in done if f"#{a.trace_id} " in first or f"#{a.trace_id} " in second}
    assert shown == {a.trace_id for a in done}


def test_a_submitted_trace_opens_read_only(client, project, annotator):
    [assignment] = submit_traces(project, annotator, 1)
    client.force_login(annotator)

    queue_page = client.get(reverse("annotate-queue", args=["alpha"])).content.decode()
    editor = client.get(reverse("annotate-editor", args=["alpha", assignment.pk])).content.decode()

    assert "view (read only)" in queue_page
    assert "read only" in editor and 'data-editable="0"' in editor

"""Issue 13: the tiny revision endpoint open editors poll (ETag, 304 while nothing changed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.services.annotation import edits as annotation
from curation.services.annotation import queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(project, annotator, traces):
    return queue.claim_next(project=project, annotator=annotator)


def revision_url(assignment) -> str:
    return reverse("annotate-revision", args=["alpha", assignment.pk])


def test_it_answers_the_revision_with_an_etag(client, annotator, assignment):
    client.force_login(annotator)

    response = client.get(revision_url(assignment))

    assert response.status_code == 200 and response.json() == {"revision": 1, "editable": True}
    assert response["ETag"]


def test_it_answers_304_until_the_segmentation_changes(client, annotator, assignment):
    client.force_login(annotator)
    etag = client.get(revision_url(assignment))["ETag"]

    assert client.get(revision_url(assignment), HTTP_IF_NONE_MATCH=etag).status_code == 304
    annotation.rate(segmentation=assignment.segmentation, user=annotator, revision=1, index=0, rating=1)
    changed = client.get(revision_url(assignment), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["revision"] == 2


def test_it_costs_one_query(client, annotator, assignment, django_assert_max_num_queries):
    client.force_login(annotator)
    client.get(revision_url(assignment))
    with django_assert_max_num_queries(3):  # session, user, the revision
        client.get(revision_url(assignment))


def test_another_annotator_gets_404(client, second_annotator, assignment):
    client.force_login(second_annotator)

    assert client.get(revision_url(assignment)).status_code == 404

"""Issue 13: rate or type every step from here to the end, as one revision-checked edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.segment.edits import EditableStep, EditError, update_steps_to_end
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue
from curation.services.annotation import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, annotator, traces):
    return queue.claim_next(project=project, annotator=annotator).segmentation


def labels(segmentation) -> list[tuple]:
    return list(segmentation.steps.order_by("position").values_list("type", "rating"))


def test_the_pure_edit_changes_the_step_and_all_after_it_in_one_splice():
    steps = [EditableStep(0, 1), EditableStep(2, 3), EditableStep(4, 5)]

    splice = update_steps_to_end(steps, 1, rating=-1)

    assert splice.index == 1 and len(splice.before) == len(splice.after) == 2
    assert [s.rating for s in splice.apply(steps)] == [None, -1, -1]


def test_the_pure_edit_refuses_a_bad_rating():
    with pytest.raises(EditError):
        update_steps_to_end([EditableStep(0, 1)], 0, rating=7)


def test_rating_to_the_end_is_one_edit_and_one_undo(draft, annotator):
    edits_before = draft.edits.count()

    annotation.rate(segmentation=draft, user=annotator, revision=1, index=1, rating=-1, to_end=True)

    assert [rating for _, rating in labels(draft)] == [None, -1, -1]
    assert draft.edits.count() == edits_before + 1
    assert draft.edits.latest("id").params == {"index": 1, "rating": -1, "to_end": True}
    annotation.undo(segmentation=draft, user=annotator, revision=2)
    assert [rating for _, rating in labels(draft)] == [None, None, None]


def test_typing_to_the_end_sets_every_later_step(draft, annotator):
    annotation.set_type(segmentation=draft, user=annotator, revision=1, index=0, type="plan", to_end=True)

    assert [type for type, _ in labels(draft)] == ["plan", "plan", "plan"]


def test_a_bulk_edit_on_a_stale_revision_is_refused(draft, annotator):
    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)

    with pytest.raises(Conflict):
        annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=0, to_end=True)
    assert [rating for _, rating in labels(draft)] == [1, None, None]


def test_the_rate_endpoint_takes_to_end(client, draft, annotator, project):
    client.force_login(annotator)
    assignment = draft.assignments.get()
    url = reverse("annotate-edit", args=[project.slug, assignment.pk, "rate"])

    response = client.post(url, {"revision": 1, "index": 0, "rating": "1", "to_end": "true"})

    assert response.status_code == 200
    assert [rating for _, rating in labels(draft)] == [1, 1, 1]

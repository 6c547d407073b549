"""Issue 13: the edit history shows revisions, the operation in words and the steps' text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.services.annotation import edits as annotation
from curation.services.annotation import queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, annotator, traces):
    return queue.claim_next(project=project, annotator=annotator).segmentation


def history(client, lead, draft) -> str:
    client.force_login(lead)
    return client.get(reverse("segmentation-history", args=["alpha", draft.pk])).content.decode()


def test_the_history_shows_the_text_of_the_steps_not_offsets_or_dicts(client, lead, annotator, draft):
    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=-1, to_end=True)
    annotation.undo(segmentation=draft, user=annotator, revision=2)

    body = history(client, lead, draft)

    assert "We add the numbers. 2 + 2 = 4." in body
    assert "Rated a step" in body and "from this step to the end" in body
    assert "Undid an edit" in body and "of revision 2" in body
    assert "{&#x27;" not in body and "{'" not in body  # no Python dict
    assert "[0, 30)" not in body  # no character offsets


def test_a_long_step_is_shortened_in_the_middle(client, lead, annotator, draft):
    from curation.views.history_rows import _snippet

    assert _snippet("a " * 200).count("\u2026") == 1 and len(_snippet("a " * 200)) <= 81

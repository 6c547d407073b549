"""Submitted work to review: traces with automatic steps, taken and submitted by annotators."""
from __future__ import annotations

import pytest

from curation.services.annotation import edits, queue
from tests.factories import add_cut_trace, add_member


def submit_next(project, annotator, *, edit=None):
    """The annotator takes the next trace, optionally edits it (``edit(segmentation, revision)``
    returns the new revision), and submits it; the submitted segmentation."""
    assignment = queue.claim_next(project=project, annotator=annotator)
    segmentation = assignment.segmentation
    revision = segmentation.revision
    if edit is not None:
        revision = edit(segmentation, revision)
    return edits.submit(segmentation=segmentation, user=annotator, revision=revision)


@pytest.fixture
def bert(django_user_model, project):
    return add_member(django_user_model, project, "bert", "annotator")


@pytest.fixture
def submitted(project, annotator):
    add_cut_trace(project, 0)
    return submit_next(project, annotator)

"""Approved segmentations are what an "approved" dataset build reads; a withdrawn one is not."""
from __future__ import annotations

import pytest

from curation.services import review
from curation.services.datasets.selection import chosen_segmentations
from curation.services.datasets.spec import BuildSpec
from tests.factories import add_cut_trace
from tests.review.conftest import submit_next

pytestmark = pytest.mark.django_db


def approved_build(project) -> list[int]:
    return list(chosen_segmentations(project, BuildSpec(source="approved")).values_list("pk", flat=True))


def test_an_approved_build_reads_the_segmentations_a_reviewer_approved(project, annotator, reviewer, lead):
    add_cut_trace(project, 0)
    add_cut_trace(project, 1)
    first, second = submit_next(project, annotator), submit_next(project, annotator)
    assert approved_build(project) == []
    review.approve(first, reviewer)
    assert approved_build(project) == [first.pk]
    review.withdraw_approval(first, lead, reason="Wrong cut")
    assert approved_build(project) == []
    assert second.pk not in approved_build(project)


def test_a_submitted_build_prefers_the_approved_segmentation_of_a_trace(project, annotator, reviewer):
    add_cut_trace(project, 0)
    submitted = submit_next(project, annotator)
    review.approve(submitted, reviewer)
    chosen = chosen_segmentations(project, BuildSpec(source="submitted")).get()
    assert (chosen.pk, chosen.status) == (submitted.pk, "approved")

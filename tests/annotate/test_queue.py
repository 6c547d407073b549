"""The queue: who gets which trace, how often, and what happens to abandoned ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from curation.models import Assignment, Segmentation
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue
from tests.annotate.conftest import run_at_once
from tests.factories import add_cut_trace

pytestmark = pytest.mark.django_db


def test_claiming_hands_out_the_first_open_trace_with_a_copy_of_its_automatic_steps(
    project, annotator, traces
):
    assignment = queue.claim_next(project=project, annotator=annotator)

    assert assignment.trace == traces[0]
    draft = assignment.segmentation
    auto = traces[0].segmentations.get(origin=Segmentation.Origin.AUTO)
    assert (draft.origin, draft.author, draft.status) == ("human", annotator, "draft")
    fields = ("start", "end", "type", "token_count")
    assert list(draft.steps.values_list(*fields)) == list(auto.steps.values_list(*fields))


def test_the_copy_is_the_first_entry_of_the_drafts_history(project, annotator, traces):
    draft = queue.claim_next(project=project, annotator=annotator).segmentation

    (start,) = draft.edits.all()
    assert (start.operation, start.revision, len(start.after)) == ("start", 1, draft.steps.count())


def test_an_imported_segmentation_is_preferred_over_the_automatic_one(project, annotator):
    trace = add_cut_trace(project, spans=[(0, 19)], origin="imported")
    Segmentation.objects.create(trace=trace, field="response", origin="auto")

    draft = queue.claim_next(project=project, annotator=annotator).segmentation

    assert list(draft.steps.values_list("start", "end")) == [(0, 19)]


def test_a_trace_nobody_cut_starts_as_one_step_over_its_field(project, annotator):
    add_cut_trace(project, text="  Just one thought.  ", spans=[])

    draft = queue.claim_next(project=project, annotator=annotator).segmentation

    assert list(draft.steps.values_list("start", "end")) == [(2, 19)]


def test_asking_again_resumes_the_active_assignment(project, annotator, traces):
    first = queue.claim_next(project=project, annotator=annotator)

    assert queue.claim_next(project=project, annotator=annotator) == first


def test_with_overlap_one_two_annotators_get_different_traces(
    project, annotator, second_annotator, traces
):
    a = queue.claim_next(project=project, annotator=annotator)
    b = queue.claim_next(project=project, annotator=second_annotator)

    assert a.trace != b.trace


def test_with_overlap_two_two_annotators_share_a_trace_and_a_third_gets_the_next(
    project, annotator, second_annotator, lead, traces
):
    project.overlap = 2
    project.save()

    claims = [
        queue.claim_next(project=project, annotator=user)
        for user in (annotator, second_annotator, lead)
    ]

    assert [c.trace for c in claims] == [traces[0], traces[0], traces[1]]


def test_a_submitted_trace_still_fills_its_slot(project, annotator, second_annotator):
    only = add_cut_trace(project)
    mine = queue.claim_next(project=project, annotator=annotator)
    annotation.submit(segmentation=mine.segmentation, user=annotator, revision=1)

    assert mine.trace == only
    assert queue.claim_next(project=project, annotator=second_annotator) is None


def test_a_skipped_trace_goes_to_someone_else_but_never_back_to_the_skipper(
    project, annotator, second_annotator
):
    only = add_cut_trace(project)
    mine = queue.claim_next(project=project, annotator=annotator)
    annotation.skip(segmentation=mine.segmentation, user=annotator, revision=1, reason="garbled")

    assert queue.claim_next(project=project, annotator=annotator) is None
    assert queue.claim_next(project=project, annotator=second_annotator).trace == only


def test_stale_assignments_expire_and_free_their_slot(
    project, annotator, second_annotator, settings
):
    settings.STEPWISE_ASSIGNMENT_TTL_MINUTES = 30
    only = add_cut_trace(project)
    mine = queue.claim_next(project=project, annotator=annotator)
    idle_since = timezone.now() - timedelta(minutes=31)
    Assignment.objects.filter(pk=mine.pk).update(last_active_at=idle_since)
    Segmentation.objects.filter(pk=mine.segmentation_id).update(updated_at=idle_since)

    theirs = queue.claim_next(project=project, annotator=second_annotator)

    mine.refresh_from_db()
    assert (mine.status, theirs.trace) == ("expired", only)


def test_a_recent_edit_keeps_an_old_claim_from_expiring(
    project, annotator, second_annotator, settings
):
    settings.STEPWISE_ASSIGNMENT_TTL_MINUTES = 30
    add_cut_trace(project)
    mine = queue.claim_next(project=project, annotator=annotator)
    Assignment.objects.filter(pk=mine.pk).update(
        last_active_at=timezone.now() - timedelta(minutes=31)
    )
    annotation.rate(segmentation=mine.segmentation, user=annotator, revision=1, index=0, rating=1)

    assert queue.claim_next(project=project, annotator=second_annotator) is None
    mine.refresh_from_db()
    assert mine.status == "active"


def test_an_annotator_gets_their_own_expired_trace_back_first_with_their_draft(project, annotator):
    traces = [add_cut_trace(project, n) for n in range(2)]
    mine = queue.claim_next(project=project, annotator=annotator)
    Assignment.objects.filter(pk=mine.pk).update(status="expired")

    again = queue.claim_next(project=project, annotator=annotator)

    assert (again.pk, again.trace, again.status) == (mine.pk, traces[0], "active")
    assert again.segmentation == mine.segmentation


def test_an_empty_queue_answers_none(project, annotator):
    assert queue.claim_next(project=project, annotator=annotator) is None


def test_traces_of_other_projects_are_never_handed_out(project, other_project, annotator):
    add_cut_trace(other_project)

    assert queue.claim_next(project=project, annotator=annotator) is None


def test_the_summary_counts_open_traces_and_the_annotators_own(project, annotator, traces):
    mine = queue.claim_next(project=project, annotator=annotator)
    annotation.submit(segmentation=mine.segmentation, user=annotator, revision=1)

    summary = queue.queue_summary(project=project, annotator=annotator)

    assert (summary.remaining, summary.mine_submitted, summary.mine_active) == (2, 1, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_exceed_the_overlap(project, django_user_model):
    """Eight annotators ask at once for four traces with overlap 2: each trace goes to exactly two."""
    project.overlap = 2
    project.save()
    for n in range(4):
        add_cut_trace(project, n)
    users = [django_user_model.objects.create_user(username=f"u{n}") for n in range(8)]
    results = run_at_once(lambda user: queue.claim_next(project=project, annotator=user), users)

    errors = [result for result in results if isinstance(result, Exception)]
    claimed = [result.trace_id for result in results if not isinstance(result, Exception)]
    assert errors == []
    assert sorted(claimed.count(trace_id) for trace_id in set(claimed)) == [2, 2, 2, 2]

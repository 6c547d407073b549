"""A person accepts or rejects a model's proposals in their draft, through the edit path."""
from __future__ import annotations

import pytest

from curation.models import SegmentationEdit, Step, StepProposal
from curation.services import assist
from curation.services.annotation import Conflict, claim_next, split_step, rate
from tests.factories import add_segmentation, add_trace

from .fake_openai import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, lead, annotator, endpoint, fake_server):
    """The annotator's draft of a trace whose automatic steps the critic judged (error at 1)."""
    trace = add_trace(project, 1)
    add_segmentation(trace)
    fake_server.responder = lambda request: text("\\boxed{1}")
    assist.start_assist_job(project=project, endpoint=endpoint, task="critic",
                            trace_ids=[trace.pk], params={"samples": 1}, user=lead)
    return claim_next(project=project, annotator=annotator).segmentation


def test_the_draft_finds_the_proposals_on_its_steps_of_the_same_span(draft):
    found = assist.proposals_for_draft(draft)
    assert {i: [p.value for p in ps] for i, ps in found.items()} == {0: ["1"], 1: ["-1"]}


def test_accepting_writes_the_label_through_the_edit_path_with_its_source(draft, annotator):
    proposal = assist.proposals_for_draft(draft)[1][0]
    seen = draft.revision
    state = assist.accept_proposal(proposal=proposal, draft=draft, user=annotator, revision=seen)
    step = Step.objects.filter(segmentation=draft)[1]
    assert step.rating == -1 and step.label_source == "model" and step.verified_by == annotator
    edit = SegmentationEdit.objects.filter(segmentation=draft).latest("id")
    assert edit.operation == "rate" and edit.params["proposal"] == proposal.pk
    assert state.segmentation.revision == seen + 1
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == annotator
    assert 1 not in assist.proposals_for_draft(draft)


def test_accepting_on_a_stale_revision_changes_nothing(draft, annotator):
    proposal = assist.proposals_for_draft(draft)[0][0]
    with pytest.raises(Conflict):
        assist.accept_proposal(proposal=proposal, draft=draft, user=annotator, revision=draft.revision + 5)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and Step.objects.filter(segmentation=draft)[0].rating is None


def test_a_person_rating_again_makes_the_label_theirs(draft, annotator):
    proposal = assist.proposals_for_draft(draft)[1][0]
    state = assist.accept_proposal(proposal=proposal, draft=draft, user=annotator, revision=draft.revision)
    rate(segmentation=draft, user=annotator, revision=state.segmentation.revision, index=1, rating=0)
    step = Step.objects.filter(segmentation=draft)[1]
    assert step.rating == 0 and step.label_source == "" and step.verified_by is None


def test_rejecting_marks_the_proposal_and_leaves_the_step(draft, annotator):
    proposal = assist.proposals_for_draft(draft)[0][0]
    assist.reject_proposal(proposal=proposal, draft=draft, user=annotator)
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and Step.objects.filter(segmentation=draft)[0].rating is None
    with pytest.raises(Conflict):
        assist.reject_proposal(proposal=proposal, draft=draft, user=annotator)


def test_a_step_split_by_the_person_no_longer_takes_its_proposal(draft, annotator):
    proposal = assist.proposals_for_draft(draft)[0][0]
    step = Step.objects.filter(segmentation=draft)[0]
    split_step(segmentation=draft, user=annotator, revision=draft.revision, index=0, at=step.start + 3)
    draft.refresh_from_db()
    assert 0 not in assist.proposals_for_draft(draft)
    with pytest.raises(Conflict):
        assist.accept_proposal(proposal=proposal, draft=draft, user=annotator, revision=draft.revision)


def test_a_rewrite_is_reviewed_in_a_draft_of_the_rewrite(project, lead, annotator, endpoint, fake_server):
    trace = add_trace(project, 2)
    add_segmentation(trace)
    fake_server.responder = lambda request: text("1. **Read** x + 1 = 3.\n2. **Answer** x = 2.")
    assist.start_assist_job(project=project, endpoint=endpoint, task="rewrite", trace_ids=[trace.pk], user=lead)
    draft = claim_next(project=project, annotator=annotator).segmentation
    assert draft.field == "rewrite" and draft.rewrite.trace == trace
    state = rate(segmentation=draft, user=annotator, revision=draft.revision, index=0, rating=1)
    assert state.text.startswith("1. **Read**") and state.steps[0].rating == 1
    trace.refresh_from_db()
    assert trace.response.startswith("SOLUTION:")


# --- The edit path reads proposals only when some wait -----------------------------------------


def _rate_queries(client, assignment, revision: int, rating: int = 1) -> list[str]:
    """The SQL of one rating edit through the page's endpoint (the editor's own request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("annotate-edit", args=[assignment.project.slug, assignment.pk, "rate"])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"revision": revision, "index": 0, "rating": rating}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _reads_proposals(queries: list[str]) -> int:
    return sum(sql.startswith('SELECT "curation_stepproposal"') for sql in queries)


def test_an_edit_without_proposals_asks_nothing_about_them(client, project, annotator):
    add_segmentation(add_trace(project, 1))
    assignment = claim_next(project=project, annotator=annotator)
    client.force_login(annotator)

    queries = _rate_queries(client, assignment, assignment.segmentation.revision)

    assert _reads_proposals(queries) == 0
    # the access check still answers whether any wait, in its one statement
    assert sum("curation_stepproposal" in sql for sql in queries) == 1


def test_an_edit_with_pending_proposals_costs_one_query_more_and_shows_them(client, draft, annotator):
    from curation.models import Assignment

    assignment = Assignment.objects.get(segmentation=draft)
    client.force_login(annotator)
    with_proposals = _rate_queries(client, assignment, draft.revision)
    assert _reads_proposals(with_proposals) == 1

    StepProposal.objects.filter(segmentation__trace=draft.trace_id).update(status="rejected")
    without = _rate_queries(client, assignment, draft.revision + 1, rating=-1)
    assert _reads_proposals(without) == 0
    assert len(with_proposals) == len(without) + 1  # the proposals' query is the only difference

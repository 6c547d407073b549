"""The review pages over HTTP: who gets in, what a decision answers, what the queue filters."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from curation.models import Segmentation, Step, TraceAgreement
from curation.services import review
from tests.factories import add_cut_trace, add_member, add_segmentation
from tests.review.conftest import submit_next

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


def url(name, project, *args):
    return reverse(name, args=[project.slug, *args])


def test_a_reviewer_gets_the_queue_and_an_annotator_does_not(project, submitted, reviewer, annotator, signed_in):
    page = signed_in(reviewer).get(url("review-queue", project))
    assert page.status_code == 200
    assert f'data-segmentation="{submitted.pk}"' in page.content.decode()
    assert signed_in(annotator).get(url("review-queue", project)).status_code == 404


def test_a_reviewer_of_project_a_cannot_review_in_project_b(project, other_project, submitted, django_user_model, signed_in):
    stranger = add_member(django_user_model, other_project, "sam", "reviewer")
    client = signed_in(stranger)
    assert client.get(url("review-queue", project)).status_code == 404
    assert client.get(url("review-editor", project, submitted.pk)).status_code == 404
    assert client.post(url("review-approve", project, submitted.pk), {"revision": submitted.revision}).status_code == 404
    # Nor through their own project's URL with a segmentation of the other project.
    assert client.get(url("review-editor", other_project, submitted.pk)).status_code == 404
    assert client.post(url("review-approve", other_project, submitted.pk), {"revision": submitted.revision}).status_code == 404
    assert Segmentation.objects.get(pk=submitted.pk).status == "submitted"


def test_the_editor_opens_in_review_mode(project, submitted, reviewer, signed_in):
    page = signed_in(reviewer).get(url("review-editor", project, submitted.pk)).content.decode()
    assert 'data-mode="review"' in page and 'id="approve"' in page
    assert reverse("review-edit", args=[project.slug, submitted.pk, "OP"]) in page
    assert 'data-editable="1"' in page
    assert 'id="review-comments"' not in page  # no empty "Review comments" heading


def test_the_reviewer_sees_why_the_annotator_stopped_and_how_long_it_took(project, submitted, reviewer, signed_in):
    Segmentation.objects.filter(pk=submitted.pk).update(stop_reason="first_error", time_spent_seconds=95)
    page = signed_in(reviewer).get(url("review-editor", project, submitted.pk)).content.decode()
    assert "Found the first error · 95 s spent" in page


def test_ones_own_work_opens_read_only(project, lead, signed_in):
    add_cut_trace(project, 0)
    own = submit_next(project, lead)
    page = signed_in(lead).get(url("review-editor", project, own.pk)).content.decode()
    assert 'data-editable="0"' in page and 'id="approve"' not in page


def test_approve_answers_with_the_queue_and_a_stale_one_with_the_steps(project, submitted, reviewer, signed_in):
    client = signed_in(reviewer)
    stale = client.post(url("review-approve", project, submitted.pk), {"revision": submitted.revision + 5})
    assert stale.status_code == 409 and "changed since you opened them" in stale.content.decode()
    done = client.post(url("review-approve", project, submitted.pk), {"revision": submitted.revision}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Redirect"] == url("review-queue", project)
    assert Segmentation.objects.get(pk=submitted.pk).status == "approved"


def test_send_back_takes_step_comments_as_json(project, submitted, reviewer, signed_in):
    response = signed_in(reviewer).post(url("review-send-back", project, submitted.pk), {
        "revision": submitted.revision, "comment": "", "step_comments": json.dumps({"2": "Not a conclusion"})})
    assert response.status_code == 302
    assert [(c.step_index, c.text) for c in review.comments_for(submitted)] == [(2, "Not a conclusion")]


def test_send_back_without_any_comment_is_refused(project, submitted, reviewer, signed_in):
    response = signed_in(reviewer).post(url("review-send-back", project, submitted.pk),
                                        {"revision": submitted.revision, "comment": " "})
    assert response.status_code == 409 and "what to fix" in response.content.decode()


def test_a_review_edit_answers_with_the_workspace(project, submitted, reviewer, signed_in):
    response = signed_in(reviewer).post(url("review-edit", project, submitted.pk, "rate"),
                                        {"revision": submitted.revision, "index": 0, "rating": "-1"})
    assert response.status_code == 200
    assert Step.objects.filter(segmentation=submitted)[0].rating == -1


def test_the_annotator_sees_the_comments_beside_the_steps(project, submitted, reviewer, annotator, signed_in):
    review.send_back(submitted, reviewer, comment="Cut finer", step_comments={1: "Two moves"})
    assignment = submitted.assignments.get()
    page = signed_in(annotator).get(reverse("annotate-editor", args=[project.slug, assignment.pk])).content.decode()
    assert "Cut finer" in page and 'data-step="1"' in page and 'data-editable="1"' in page
    queue_page = signed_in(annotator).get(reverse("annotate-queue", args=[project.slug])).content.decode()
    assert f"Continue trace #{submitted.trace_id}" in queue_page


def test_the_queue_filters_by_annotator_flags_negative_ratings_and_agreement(project, reviewer, annotator, django_user_model, signed_in):
    bert = add_member(django_user_model, project, "bert", "annotator")
    spans = [(0, 30), (32, 60), (62, 80)]
    plain = add_segmentation(add_cut_trace(project, 1), origin="human", author=annotator, spans=spans)
    flagged = add_segmentation(add_cut_trace(project, 2), origin="human", author=bert, spans=spans)
    Step.objects.filter(segmentation=flagged, position=0).update(flagged=True)
    negative = add_segmentation(add_cut_trace(project, 3), origin="human", author=bert, spans=spans, ratings=[1, -1, None])
    TraceAgreement.objects.create(trace=plain.trace, field="response", annotators=2, boundary_f1=0.5)
    TraceAgreement.objects.create(trace=negative.trace, field="response", annotators=2, boundary_f1=0.9)
    client = signed_in(reviewer)

    def listed(**query):
        page = client.get(url("review-queue", project), query).content.decode()
        return [s.pk for s in (plain, flagged, negative) if f'data-segmentation="{s.pk}"' in page]

    assert listed() == [plain.pk, flagged.pk, negative.pk]
    assert listed(annotator="bert") == [flagged.pk, negative.pk]
    assert listed(flagged="on") == [flagged.pk]
    assert listed(negative="on") == [negative.pk]
    assert listed(agreement_below="0.8") == [plain.pk]
    assert listed(agreement_above="0.8") == [negative.pk]


def test_the_queue_is_oldest_submission_first(project, annotator, reviewer):
    add_cut_trace(project, 0)
    add_cut_trace(project, 1)
    first, second = submit_next(project, annotator), submit_next(project, annotator)
    assert list(review.review_queue(project).values_list("pk", flat=True)) == [first.pk, second.pk]


def test_withdraw_is_for_leads(project, submitted, reviewer, lead, signed_in):
    review.approve(submitted, reviewer)
    assert signed_in(reviewer).post(url("review-withdraw", project, submitted.pk), {"reason": "x"}).status_code == 404
    approved_page = signed_in(reviewer).get(url("review-approved", project)).content.decode()
    assert "Withdraw" not in approved_page and f'data-segmentation="{submitted.pk}"' in approved_page
    response = signed_in(lead).post(url("review-withdraw", project, submitted.pk), {"reason": "Wrong"})
    assert response.status_code == 302
    assert Segmentation.objects.get(pk=submitted.pk).status == "submitted"


def test_a_reviewer_reads_any_history_of_their_project(project, submitted, reviewer, signed_in):
    page = signed_in(reviewer).get(reverse("segmentation-history", args=[project.slug, submitted.pk]))
    assert page.status_code == 200 and "submitted" in page.content.decode()


def test_the_adjudication_page_lists_the_differences_and_resolve_approves(project, reviewer, annotator, django_user_model, signed_in):
    bert = add_member(django_user_model, project, "bert", "annotator")
    trace = add_cut_trace(project, 0)
    a = add_segmentation(trace, origin="human", author=annotator, spans=[(0, 30), (32, 60), (62, 80)])
    b = add_segmentation(trace, origin="human", author=bert, spans=[(0, 19), (20, 30), (32, 60), (62, 80)])
    client = signed_in(reviewer)
    page = client.get(url("adjudication", project, trace.pk, "response")).content.decode()
    assert 'data-diff="boundary-0"' in page and '<u class="c1 d" data-diff="boundary-0">' in page
    response = client.post(url("adjudication-resolve", project, trace.pk, "response"), {
        "sides": f"{a.pk}:{a.revision},{b.pk}:{b.revision}", "base": "0", "choices": json.dumps({"boundary-0": "take:1"})})
    assert response.status_code == 302
    result = Segmentation.objects.get(trace=trace, status="approved")
    assert result.steps.count() == 4 and set(result.parents.all()) == {a, b}


def test_the_adjudication_of_an_unknown_field_or_a_lone_side_is_404(project, reviewer, annotator, signed_in):
    trace = add_cut_trace(project, 0)
    add_segmentation(trace, origin="human", author=annotator)
    client = signed_in(reviewer)
    assert client.get(url("adjudication", project, trace.pk, "problem")).status_code == 404
    assert client.get(url("adjudication", project, trace.pk, "response")).status_code == 404

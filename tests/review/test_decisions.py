"""Reviewers' decisions: each transition, the ones refused, and the history they leave."""
from __future__ import annotations

import pytest

from curation.models import Assignment, ReviewComment, Segmentation, SegmentationEdit, Step
from curation.services import review
from curation.services.annotation import edits, queue
from curation.services.annotation.edits import Conflict
from curation.services.review import ReviewError
from tests.factories import add_cut_trace, add_member
from tests.review.conftest import submit_next

pytestmark = pytest.mark.django_db
Status = Segmentation.Status


def transitions(segmentation):
    return [(t.from_status, t.to_status, t.actor.username) for t in review.history(segmentation)]


def test_submit_records_a_transition_from_draft(submitted, annotator):
    assert transitions(submitted) == [("draft", "submitted", "anna")]


def test_skip_records_a_transition_with_the_reason(project, annotator):
    add_cut_trace(project, 0)
    assignment = queue.claim_next(project=project, annotator=annotator)
    edits.skip(segmentation=assignment.segmentation, user=annotator, revision=1, reason="Truncated")
    [row] = review.history(assignment.segmentation)
    assert (row.from_status, row.to_status, row.comment) == ("draft", "skipped", "Truncated")


def test_approve_sets_the_reviewer_and_records_who_and_when(submitted, reviewer):
    review.approve(submitted, reviewer, comment="Clean")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.reviewed_by == reviewer and submitted.reviewed_at is not None
    last = review.history(submitted).last()
    assert (last.from_status, last.to_status, last.actor, last.comment) == ("submitted", "approved", reviewer, "Clean")


def test_a_draft_cannot_be_approved(project, annotator, reviewer):
    add_cut_trace(project, 0)
    draft = queue.claim_next(project=project, annotator=annotator).segmentation
    with pytest.raises(ReviewError, match="in progress|draft"):
        review.approve(draft, reviewer)
    assert Segmentation.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not review.history(draft).exists()


def test_an_approved_segmentation_cannot_be_approved_or_sent_back_again(submitted, reviewer):
    review.approve(submitted, reviewer)
    with pytest.raises(ReviewError):
        review.approve(submitted, reviewer)
    with pytest.raises(ReviewError):
        review.send_back(submitted, reviewer, comment="late")


def test_an_annotator_cannot_approve_and_nobody_reviews_their_own_work(submitted, annotator, lead, project):
    with pytest.raises(ReviewError, match="reviewers"):
        review.approve(submitted, annotator)
    add_cut_trace(project, 1)
    own = submit_next(project, lead)
    with pytest.raises(ReviewError, match="own work"):
        review.approve(own, lead)


def test_a_reviewer_of_another_project_cannot_approve(submitted, django_user_model, other_project):
    stranger = add_member(django_user_model, other_project, "sam", "reviewer")
    with pytest.raises(ReviewError):
        review.approve(submitted, stranger)


def test_approving_on_a_stale_revision_is_refused(submitted, reviewer):
    with pytest.raises(ReviewError, match="changed"):
        review.approve(submitted, reviewer, revision=submitted.revision - 1)


def test_a_trace_field_has_one_approved_segmentation(project, annotator, bert, reviewer):
    project.overlap = 2
    project.save()
    add_cut_trace(project, 0)
    first, second = submit_next(project, annotator), submit_next(project, bert)
    review.approve(first, reviewer)
    with pytest.raises(ReviewError, match="already has an approved"):
        review.approve(second, reviewer)


def test_send_back_stores_comments_and_gives_the_trace_back_first(project, annotator, reviewer, submitted):
    add_cut_trace(project, 1)
    queue.claim_next(project=project, annotator=annotator)  # already busy on another trace
    review.send_back(submitted, reviewer, comment="Cut finer", step_comments={1: "Two steps here", 2: " "})
    submitted.refresh_from_db()
    assert submitted.status == Status.SENT_BACK
    assert [(c.step_index, c.text) for c in review.comments_for(submitted)] == [
        (None, "Cut finer"), (1, "Two steps here")]
    assert queue.current_assignment(project=project, annotator=annotator).segmentation_id == submitted.pk
    assert transitions(submitted)[-1] == ("submitted", "sent_back", "rita")


def test_a_step_comment_stays_on_its_step_when_edits_before_it_renumber_the_steps(submitted, annotator, reviewer):
    review.send_back(submitted, reviewer, comment="", step_comments={1: "Check what?", 2: "Say 4 plainly"})

    def where():
        text = submitted.trace.response
        steps = {index: text[s.start:s.end] for index, s in enumerate(submitted.steps.all())}
        return {c.text: steps[c.step_index] for c in review.comments_for(submitted)}

    revision = submitted.revision
    state = edits.split_step(segmentation=submitted, user=annotator, revision=revision, index=0, at=20)
    assert submitted.steps.count() == 4  # a step more before both commented steps
    assert where() == {"Check what?": "Then we check it: 4 - 2 = 2.", "Say 4 plainly": "So the answer is 4."}
    assert [c.step_index for c in review.comments_for(submitted)] == [2, 3]
    state = edits.merge_steps(segmentation=submitted, user=annotator, revision=state.segmentation.revision,
                              index=0, direction="next")
    assert [c.step_index for c in review.comments_for(submitted)] == [1, 2]
    # The commented step itself split (its row replaced): the comment goes to the part that
    # begins where the step began.
    edits.split_step(segmentation=submitted, user=annotator, revision=state.segmentation.revision,
                     index=2, at=submitted.trace.response.index("answer"))
    assert where() == {"Check what?": "Then we check it: 4 - 2 = 2.", "Say 4 plainly": "So the"}


def test_send_back_needs_a_comment_and_steps_that_exist(submitted, reviewer):
    with pytest.raises(ReviewError, match="what to fix"):
        review.send_back(submitted, reviewer, comment=" ", step_comments={})
    with pytest.raises(ReviewError, match="No step 10"):
        review.send_back(submitted, reviewer, comment="", step_comments={9: "?"})


def test_sent_back_work_is_edited_and_resubmitted_and_its_comments_settle(submitted, annotator, reviewer):
    review.send_back(submitted, reviewer, comment="Rate step 1")
    state = edits.rate(segmentation=submitted, user=annotator, revision=submitted.revision, index=0, rating=1)
    review.resubmit(submitted, annotator, revision=state.segmentation.revision)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.steps.all()[0].rating == 1
    assert review.comments_for(submitted) == []
    assert [t[:2] for t in transitions(submitted)] == [
        ("draft", "submitted"), ("submitted", "sent_back"), ("sent_back", "submitted")]
    assert Assignment.objects.get(segmentation=submitted).status == Assignment.Status.SUBMITTED


def test_a_resubmit_adds_its_time_and_stop_reason_to_the_first_rounds(project, annotator, reviewer):
    add_cut_trace(project, 0)
    first = queue.claim_next(project=project, annotator=annotator).segmentation
    edits.submit(segmentation=first, user=annotator, revision=first.revision, time_spent_seconds=40)
    review.send_back(first, reviewer, comment="Fix it")
    first.refresh_from_db()
    again = edits.submit(segmentation=first, user=annotator, revision=first.revision,
                         time_spent_seconds=15, stop_reason=first._meta.get_field("stop_reason").choices[0][0])
    assert (again.status, again.time_spent_seconds) == (Status.SUBMITTED, 55)
    assert again.stop_reason == first._meta.get_field("stop_reason").choices[0][0]
    assert [t[:2] for t in transitions(again)] == [
        ("draft", "submitted"), ("submitted", "sent_back"), ("sent_back", "submitted")]


def test_only_sent_back_work_is_resubmitted(submitted, annotator):
    with pytest.raises(ReviewError):
        review.resubmit(submitted, annotator, revision=submitted.revision)


def test_sent_back_work_cannot_be_skipped(submitted, annotator, reviewer):
    review.send_back(submitted, reviewer, comment="Fix it")
    with pytest.raises(Conflict, match="not skipped"):
        edits.skip(segmentation=submitted, user=annotator, revision=submitted.revision, reason="no")


def test_sent_back_work_does_not_expire(submitted, annotator, reviewer, project, settings):
    review.send_back(submitted, reviewer, comment="Fix it")
    settings.STEPWISE_ASSIGNMENT_TTL_MINUTES = -1
    assert queue.expire_stale(project=project) == 0


def test_a_submitted_segmentation_is_no_longer_the_annotators_to_edit(submitted, annotator):
    with pytest.raises(Conflict):
        edits.rate(segmentation=submitted, user=annotator, revision=submitted.revision, index=0, rating=1)


def test_a_reviewer_edit_enters_the_same_history_with_the_reviewer_as_author(submitted, reviewer):
    state = review.review_edit("split", segmentation=submitted, reviewer=reviewer,
                               revision=submitted.revision, index=0, at=20)
    assert submitted.steps.count() == 4
    last = SegmentationEdit.objects.filter(segmentation=submitted).last()
    assert (last.operation, last.author, last.revision) == ("split", reviewer, state.segmentation.revision)


def test_a_reviewers_undo_stops_at_the_submit(submitted, reviewer):
    from curation.segment.edits import EditError

    with pytest.raises(EditError, match="Nothing to undo"):
        review.review_edit("undo", segmentation=submitted, reviewer=reviewer, revision=submitted.revision)


def test_a_reviewer_cannot_edit_a_draft_or_their_own(project, annotator, reviewer, lead):
    add_cut_trace(project, 0)
    draft = queue.claim_next(project=project, annotator=annotator).segmentation
    with pytest.raises(Conflict, match="only a submitted one"):
        review.review_edit("rate", segmentation=draft, reviewer=reviewer, revision=draft.revision, index=0, rating=1)
    add_cut_trace(project, 1)
    own = submit_next(project, lead)
    with pytest.raises(ReviewError, match="own work"):
        review.review_edit("rate", segmentation=own, reviewer=lead, revision=own.revision, index=0, rating=1)


def test_edit_and_approve_applies_the_edits_then_approves(submitted, reviewer):
    review.edit_and_approve(submitted, reviewer, revision=submitted.revision,
                            edits=[("rate", {"index": 0, "rating": -1}), ("type", {"index": 1, "type": "verify"})])
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert list(submitted.steps.order_by("position").values_list("rating", "type"))[:2] == [(-1, "compute"), (None, "verify")]
    authors = set(SegmentationEdit.objects.filter(segmentation=submitted, operation__in=["rate", "type"])
                  .values_list("author__username", flat=True))
    assert authors == {"rita"}


def test_edit_and_approve_is_all_or_nothing(submitted, reviewer):
    with pytest.raises(Exception):
        review.edit_and_approve(submitted, reviewer, revision=submitted.revision,
                                edits=[("rate", {"index": 0, "rating": -1}), ("type", {"index": 1, "type": "nope"})])
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert Step.objects.filter(segmentation=submitted)[0].rating is None


def test_a_lead_withdraws_an_approval_with_a_reason(submitted, reviewer, lead):
    review.approve(submitted, reviewer)
    Segmentation.objects.filter(pk=submitted.pk).update(is_gold=True)
    review.withdraw_approval(submitted, lead, reason="Step 2 is wrong")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by, submitted.is_gold) == (Status.SUBMITTED, None, False)
    assert transitions(submitted)[-1] == ("approved", "submitted", "lena")
    assert review.history(submitted).last().comment == "Step 2 is wrong"


def test_a_reviewer_cannot_withdraw_and_withdrawing_needs_a_reason(submitted, reviewer, lead):
    review.approve(submitted, reviewer)
    with pytest.raises(ReviewError, match="leads"):
        review.withdraw_approval(submitted, reviewer, reason="no")
    with pytest.raises(ReviewError, match="why"):
        review.withdraw_approval(submitted, lead, reason=" ")


def test_a_submitted_segmentation_cannot_be_withdrawn(submitted, lead):
    with pytest.raises(ReviewError):
        review.withdraw_approval(submitted, lead, reason="?")


def test_send_back_records_nothing_when_refused(submitted, reviewer):
    review.approve(submitted, reviewer)
    before = review.history(submitted).count()
    with pytest.raises(ReviewError):
        review.send_back(submitted, reviewer, comment="x")
    assert review.history(submitted).count() == before
    assert not ReviewComment.objects.exists()

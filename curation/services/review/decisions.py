"""A reviewer's decisions on a submitted segmentation, and the annotator's side of them.

Entry points: ``approve``, ``send_back``, ``edit_and_approve`` (reviewers), ``withdraw_approval``
(leads), ``resubmit`` (the annotator, after a send-back). ``submitted`` and ``skipped`` are the
hooks the annotator's own submit and skip call, so that every change of status is recorded.
A trace field has at most one approved segmentation: approving a second one is refused until
the first is withdrawn (the trace row is locked while this is checked).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from curation.models import Assignment, ReviewComment, Segmentation
from curation.review.states import Action, submit_action
from curation.services.review import edits as review_edits
from curation.services.review.permissions import require_lead, require_reviewer
from curation.services.review.transitions import ReviewError, record, require_no_other_approval, transition

Status = Segmentation.Status


def approve(segmentation: Segmentation, reviewer, *, comment: str = "", revision: int | None = None) -> Segmentation:
    """Submitted -> approved, with the reviewer and the time; what "approved" builds read."""
    require_reviewer(segmentation, reviewer)
    with transaction.atomic():
        require_no_other_approval(segmentation)
        return transition(
            segmentation, Action.APPROVE, reviewer, comment=comment.strip(), revision=revision,
            reviewed_by=reviewer, reviewed_at=timezone.now(),
        )


def send_back(
    segmentation: Segmentation, reviewer, *, comment: str, step_comments: Mapping[int, str] | None = None,
    revision: int | None = None,
) -> Segmentation:
    """Submitted -> sent back to its annotator, with a comment on the whole and/or on steps.

    The annotator's assignment becomes active again, so the trace is the first thing their
    queue gives them; the comments are shown beside the steps until they resubmit.
    """
    require_reviewer(segmentation, reviewer)
    comment, per_step = comment.strip(), _step_comments(segmentation, step_comments or {})
    if not comment and not per_step:
        raise ReviewError("Say what to fix: a comment on the whole or on a step.")
    assignment = Assignment.objects.filter(segmentation=segmentation, annotator_id=segmentation.author_id).first()
    if assignment is None:
        raise ReviewError("This segmentation has no annotator's assignment to send it back to.")
    with transaction.atomic():
        transition(segmentation, Action.SEND_BACK, reviewer, comment=comment, revision=revision)
        rows = [(None, comment)] if comment else []
        # Each step comment is anchored to its step's row and start offset, not only its index:
        # an edit before it (a split, a merge) renumbers the steps (selectors.comments_for).
        steps = segmentation.steps.order_by("position").values_list("pk", "start")
        anchors = {
            index: {"step_ref": pk, "step_start": start}
            for index, (pk, start) in enumerate(steps)
            if index in per_step
        }
        ReviewComment.objects.bulk_create(
            ReviewComment(segmentation=segmentation, step_index=index, author=reviewer, text=text,
                          **anchors.get(index, {}))
            for index, text in [*rows, *sorted(per_step.items())]
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.ACTIVE, last_active_at=timezone.now(), finished_at=None
        )
    return segmentation


def edit_and_approve(
    segmentation: Segmentation, reviewer, *, revision: int, edits: Iterable[tuple[str, dict]] = (),
    comment: str = "",
) -> Segmentation:
    """The reviewer's edits (the annotator's edit path and history), then approve, all or none."""
    with transaction.atomic():
        revision = review_edits.apply_edits(segmentation, reviewer, revision=revision, edits=edits)
        return approve(segmentation, reviewer, comment=comment, revision=revision)


def withdraw_approval(segmentation: Segmentation, lead, *, reason: str) -> Segmentation:
    """Approved -> submitted again (back in the review queue); it stops being gold."""
    require_lead(segmentation, lead)
    if not reason.strip():
        raise ReviewError("Say why the approval is withdrawn.")
    return transition(
        segmentation, Action.WITHDRAW, lead, comment=reason.strip(),
        reviewed_by=None, reviewed_at=None, is_gold=False,
    )


def resubmit(segmentation: Segmentation, annotator, *, revision: int) -> Segmentation:
    """The annotator hands sent-back work in again: their own submit, from ``sent_back``."""
    from curation.services.annotation.edits import submit  # annotation's submit calls back here

    if Segmentation.objects.values_list("status", flat=True).get(pk=segmentation.pk) != Status.SENT_BACK:
        raise ReviewError("Only sent-back work is resubmitted.")
    return submit(segmentation=segmentation, user=annotator, revision=revision)


# --- Hooks of the annotator's submit and skip ---------------------------------------------------


def submitted(segmentation: Segmentation, from_status: str, annotator) -> None:
    """Record a submit (or resubmit); a resubmit settles the review's comments."""
    action = submit_action(from_status)
    record(segmentation, from_status, Status.SUBMITTED, annotator)
    if action == Action.RESUBMIT:
        ReviewComment.objects.filter(segmentation=segmentation, resolved=False).update(resolved=True)


def skipped(segmentation: Segmentation, from_status: str, annotator, reason: str) -> None:
    record(segmentation, from_status, getattr(Status, "SKIPPED", "skipped"), annotator, reason)


# --- Helpers ------------------------------------------------------------------------------------


def _step_comments(segmentation: Segmentation, comments: Mapping[int, str]) -> dict[int, str]:
    count = segmentation.steps.count()
    cleaned = {int(index): text.strip() for index, text in comments.items() if text and text.strip()}
    outside = [index for index in cleaned if not 0 <= index < count]
    if outside:
        raise ReviewError(f"No step {outside[0] + 1}: this segmentation has {count} steps.")
    return cleaned

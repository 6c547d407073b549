"""A person decides on a model's proposals, in their own draft, through the edit path.

Accepting is an edit like any other (``annotation.rate`` / ``set_type``): checked against the
draft's revision, recorded in its history (with the proposal's id), undone like any edit. The
step then carries the proposal's source and who verified it. Rejecting changes no step; it
marks the proposal so that nobody is asked again. A proposal sits on the segmentation the draft
was copied from and is found on the draft's step with the same span (a step the person has
split or moved no longer matches, and its proposals are not shown).
"""
from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from curation.models import Segmentation, Step, StepProposal
from curation.services.annotation import edits
from curation.services.annotation.edits import Conflict, EditorState

Status = StepProposal.Status


def proposals_for_draft(draft: Segmentation, steps=None) -> dict[int, list[StepProposal]]:
    """Pending proposals by the index of the draft's step they are for (best first).

    ``steps``: the draft's steps when the caller has them (an edit's answer), saving a query.
    A draft loaded by the edit path's access check knows whether any proposal waits
    (``has_pending_proposals``); when none does, this asks the database nothing.
    """
    if getattr(draft, "has_pending_proposals", True) is False:
        return {}
    if steps is None:
        spans = draft.steps.order_by("position").values_list("start", "end")
    else:
        spans = [(step.start, step.end) for step in steps]
    by_span = {span: index for index, span in enumerate(spans)}
    found: dict[int, list[StepProposal]] = defaultdict(list)
    for proposal in _pending_on_same_text(draft):
        index = by_span.get((proposal.start, proposal.end))
        if index is not None:
            found[index].append(proposal)
    return dict(found)


def _pending_on_same_text(draft: Segmentation):
    return (
        StepProposal.objects.filter(
            segmentation__trace_id=draft.trace_id, segmentation__field=draft.field,
            segmentation__rewrite_id=draft.rewrite_id, status=Status.PENDING,
        )
        .exclude(segmentation=draft)
        .order_by("start", "-confidence", "-id")
    )


def accept_proposal(*, proposal: StepProposal, draft: Segmentation, user, revision: int) -> EditorState:
    """Write the proposal's label into the person's draft (an edit at ``revision``)."""
    with transaction.atomic():
        current = _lock_pending(proposal)
        index, position = _draft_step(current, draft)
        label = edits.rate if current.kind == StepProposal.Kind.RATING else edits.set_type
        value = {"rating": current.rating} if current.kind == StepProposal.Kind.RATING else {"type": current.value}
        state = label(segmentation=draft, user=user, revision=revision, index=index,
                      proposal=current.pk, **value)
        Step.objects.filter(segmentation=draft, position=position).update(
            label_source=current.source, verified_by=user
        )
        _decide(current, Status.ACCEPTED, user)
    return state


def reject_proposal(*, proposal: StepProposal, draft: Segmentation, user) -> StepProposal:
    """Mark the proposal rejected by ``user`` (it must be for a step of their draft)."""
    with transaction.atomic():
        current = _lock_pending(proposal)
        _draft_step(current, draft)
        _decide(current, Status.REJECTED, user)
    return current


def _lock_pending(proposal: StepProposal) -> StepProposal:
    current = StepProposal.objects.select_for_update().select_related("segmentation").get(pk=proposal.pk)
    if current.status != Status.PENDING:
        raise Conflict(f"This proposal was already {current.status}.")
    return current


def _draft_step(proposal: StepProposal, draft: Segmentation) -> tuple[int, float]:
    """The index and the stored position of the draft's step the proposal is for."""
    source = proposal.segmentation
    same_text = (source.trace_id, source.field, source.rewrite_id) == (draft.trace_id, draft.field, draft.rewrite_id)
    position = draft.steps.filter(start=proposal.start, end=proposal.end).values_list("position", flat=True).first()
    if not same_text or position is None:
        raise Conflict("This proposal is for a step your draft no longer has (it was split, merged or moved).")
    return draft.steps.filter(position__lt=position).count(), position


def _decide(proposal: StepProposal, status: str, user) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, user, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])

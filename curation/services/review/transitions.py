"""Changing a segmentation's status: checked by the state machine, recorded with who and when.

``transition`` is the one way a review decision changes a status: it locks the segmentation's
row, asks ``curation.review.states`` whether the action is allowed from the status found under
the lock (so two reviewers deciding at once cannot both win), optionally checks the revision the
decider saw, writes the new status and appends a ``SegmentationTransition``. ``record`` only
appends, for the annotator's submit and skip, which change the row on their own path.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from curation.models import Segmentation, SegmentationTransition, Trace
from curation.review.states import Action, InvalidTransition, next_status
from curation.services.quality.dashboard import request_refresh

APPROVED = Segmentation.Status.APPROVED


class ReviewError(Exception):
    """A review decision that cannot be made (not allowed, stale, or missing what it needs)."""


def transition(
    segmentation: Segmentation, action: Action, actor, *, comment: str = "",
    revision: int | None = None, automatic: bool = False, **fields,
) -> Segmentation:
    """Apply ``action`` (setting ``fields`` too) and record it; raises ``ReviewError``.

    ``automatic``: the system decided (``actor`` is None), as the consensus auto-approval does;
    the history says so instead of showing a missing person."""
    with transaction.atomic():
        current = Segmentation.objects.select_for_update().get(pk=segmentation.pk)
        try:
            target = next_status(action, current.status)
        except InvalidTransition as error:
            raise ReviewError(str(error)) from error
        if revision is not None and revision != current.revision:
            raise ReviewError(
                f"These steps changed since you opened them (revision {revision}, now "
                f"{current.revision}): look at them again before deciding."
            )
        changes = {"status": target, "updated_at": timezone.now(), **fields}
        Segmentation.objects.filter(pk=current.pk).update(**changes)
        record(current, current.status, target, actor, comment, automatic=automatic)
    segmentation.refresh_from_db()
    return segmentation


def record(
    segmentation: Segmentation, from_status: str, to_status: str, actor, comment: str = "", *,
    automatic: bool = False,
) -> None:
    SegmentationTransition.objects.create(
        segmentation_id=segmentation.pk, from_status=from_status, to_status=to_status,
        actor=actor, comment=comment, automatic=automatic,
    )
    # Every figure of the quality dashboard hangs on statuses: ask for them to be recomputed.
    project_id = Trace.objects.filter(pk=segmentation.trace_id).values_list("project_id", flat=True).first()
    if project_id is not None:
        request_refresh(project_id)


def require_no_other_approval(segmentation: Segmentation) -> None:
    """Lock the trace and refuse if another segmentation of the field is approved: a trace field
    has one approved segmentation (call inside a transaction)."""
    list(Trace.objects.select_for_update().filter(pk=segmentation.trace_id).values_list("pk"))
    other = (
        Segmentation.objects.filter(trace_id=segmentation.trace_id, field=segmentation.field, status=APPROVED)
        .exclude(pk=segmentation.pk).values_list("pk", flat=True).first()
    )
    if other is not None:
        raise ReviewError(
            f"Trace #{segmentation.trace_id} already has an approved {segmentation.field} "
            f"segmentation (#{other}); a lead withdraws it first."
        )


def history(segmentation: Segmentation):
    """The segmentation's transitions, oldest first, with who made them."""
    return segmentation.transitions.select_related("actor").order_by("id")

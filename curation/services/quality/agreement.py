"""Agreement of a trace's annotators, computed by a worker after each submission, stored, routed.

``compute_trace_agreement`` is the one entry point (the task, ``manage.py compute_agreement`` and
tests call it): it reads the annotators' work on one trace field (``readers``), measures it with
``curation.quality.trace_agreement`` at the project's tolerance, stores a ``TraceAgreement`` row
and applies ``curation.quality.route``:

- ``route_to_one_more``: the row's route is what the queue reads to give the trace one more slot
  than it has annotators (``services.annotation.queue``);
- ``adjudicate``: recorded; the adjudication list reads it;
- ``auto_approve`` (only when the lead turned it on): the consensus, the segmentation with the
  highest mean agreement with the others, is approved through the review's one transition
  function (``services.review.transitions``: the row locked, the state machine asked, one
  approved segmentation per trace field), recorded as made by the system, with the time.
"""
from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from curation import quality
from curation.models import Assignment, Project, Segmentation, Trace
from curation.models import TraceAgreement as AgreementRow
from curation.review.states import Action
from curation.services.quality.dashboard import request_refresh
from curation.services.quality.readers import (
    annotations_of, annotators_work, routing_settings, tolerance_of,
)

AUTO_APPROVED = "auto-approved by consensus"
Status = Segmentation.Status


def compute_trace_agreement(*, trace_id: int, field: str) -> AgreementRow | None:
    """Measure, store and route one trace field; None (and no row) below two annotators."""
    trace = Trace.objects.select_related("project").filter(pk=trace_id).first()
    if trace is None:
        return None
    with transaction.atomic():
        work = annotators_work(trace.pk, field)
        if len(work) < 2:
            AgreementRow.objects.filter(trace=trace, field=field).delete()
            return None
        result = quality.trace_agreement(
            annotations_of(work), **tolerance_of(trace.project, getattr(trace, field))
        )
        decided = _route(trace, len(work), result.score())
        row, _ = AgreementRow.objects.update_or_create(
            trace=trace, field=field,
            defaults={
                "annotators": len(work), "boundary_f1": result.boundary_f1,
                "score": result.score(), "figures": result.as_dict(), "route": decided.value,
            },
        )
        if decided == quality.Route.AUTO_APPROVE:
            approve_consensus(work, result)
        request_refresh(trace.project_id)  # the dashboard's agreement figures
    return row


def compute_project_agreement(*, project: Project) -> int:
    """Back-fill: every trace field of the project with two or more annotators; returns how
    many rows were stored."""
    fields = (
        Segmentation.objects.filter(
            trace__project=project, origin=Segmentation.Origin.HUMAN,
            status__in=(Status.SUBMITTED, Status.APPROVED),
        )
        .values_list("trace_id", "field")
        .distinct()
        .order_by("trace_id", "field")
    )
    stored = 0
    for trace_id, field in fields:
        stored += compute_trace_agreement(trace_id=trace_id, field=field) is not None
    return stored


def consensus(work: list[Segmentation], result: quality.TraceAgreement) -> Segmentation:
    """The segmentation with the highest mean boundary F1 against the others (the earliest of
    equals)."""
    totals: dict[int, float] = defaultdict(float)
    for pair in result.pairs:
        totals[pair.a] += pair.boundaries.f1
        totals[pair.b] += pair.boundaries.f1
    return max(work, key=lambda seg: (totals[seg.author_id], -seg.pk))


def approve_consensus(work: list[Segmentation], result: quality.TraceAgreement) -> Segmentation | None:
    """Approve the consensus, as the system, unless the trace field already has an approved
    segmentation or the consensus is no longer submitted (None then: nothing changed)."""
    # Imported here: annotation's submit imports this module, and review imports annotation.
    from curation.services.review.transitions import ReviewError, require_no_other_approval, transition

    if any(seg.status == Status.APPROVED for seg in work):
        return None
    chosen = consensus(work, result)
    try:
        with transaction.atomic():
            require_no_other_approval(chosen)
            return transition(
                chosen, Action.APPROVE, None, comment=AUTO_APPROVED, automatic=True,
                reviewed_by=None, reviewed_at=timezone.now(),
            )
    except ReviewError:  # approved meanwhile, sent back, or another one approved: leave it
        return None


def _route(trace: Trace, submitted: int, score: float | None) -> quality.Route:
    in_progress = Assignment.objects.filter(trace=trace, status=Assignment.Status.ACTIVE).count()
    return quality.route(
        routing_settings(trace.project), submitted=submitted, score=score, in_progress=in_progress
    )

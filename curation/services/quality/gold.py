"""Gold items and screening: a lead marks approved segmentations as gold; annotators' answers
to gold traces are scored against them; a new annotator's first gold results decide whether they
get real work (``curation.quality.screen``).

A gold trace is one with a gold segmentation. The queue serves it like any other trace (the
annotator cuts their own draft), and on submit the answer is scored here instead of counting as
work: a ``GoldResult`` row, no agreement, no routing.
"""
from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from curation import quality
from curation.models import GoldResult, Membership, Project, Segmentation
from curation.services.quality.readers import annotations_of, tolerance_of

Status = Segmentation.Status
Screening = quality.Screening


class GoldError(ValueError):
    """The segmentation cannot be made gold (the message says why)."""


def mark_gold(*, segmentation: Segmentation, gold: bool = True) -> Segmentation:
    """Make an approved segmentation gold (or no longer gold)."""
    if gold and segmentation.status != Status.APPROVED:
        raise GoldError("Only an approved segmentation can be gold.")
    Segmentation.objects.filter(pk=segmentation.pk).update(is_gold=gold)
    segmentation.is_gold = gold
    return segmentation


def gold_for(segmentation: Segmentation) -> Segmentation | None:
    """The gold segmentation this one answers, if its trace field is gold and it is not the
    gold itself (nor by the gold's author)."""
    return (
        Segmentation.objects.filter(
            trace_id=segmentation.trace_id, field=segmentation.field, is_gold=True,
            status=Status.APPROVED,
        )
        .exclude(pk=segmentation.pk)
        .exclude(author_id=segmentation.author_id)
        .order_by("-id")
        .first()
    )


def score_gold(*, segmentation: Segmentation, gold: Segmentation) -> GoldResult:
    """Score an answer to a gold item and, during screening, update the annotator's state."""
    segmentation = Segmentation.objects.select_related("trace__project").get(pk=segmentation.pk)
    trace, project = segmentation.trace, segmentation.trace.project
    mine, truth = annotations_of([segmentation, gold])
    scored = quality.gold_accuracy(mine, truth, **tolerance_of(project, getattr(trace, segmentation.field)))
    membership = Membership.objects.filter(project=project, user_id=segmentation.author_id).first()
    screening = membership is not None and membership.screening == Screening.PENDING
    with transaction.atomic():
        result, _ = GoldResult.objects.update_or_create(
            segmentation=segmentation,
            defaults={
                "project": project, "annotator_id": segmentation.author_id, "gold": gold,
                "screening": screening, "boundary_f1": scored.boundary_f1,
                "type_accuracy": scored.type_accuracy, "rating_accuracy": scored.rating_accuracy,
                "counts": asdict(scored),
            },
        )
        if screening:
            update_screening(membership=membership)
    return result


def update_screening(*, membership: Membership) -> str:
    """Pending until the project's number of screening items, then passed or failed."""
    project = membership.project
    rows = GoldResult.objects.filter(project=project, annotator_id=membership.user_id, screening=True)
    results = [quality.GoldResult(**row) for row in rows.values_list("counts", flat=True)]
    state = quality.screen(
        results, quality.ScreeningRules(project.screening_threshold, project.screening_items)
    )
    if state != membership.screening:
        Membership.objects.filter(pk=membership.pk).update(screening=state.value)
        membership.screening = state.value
    return membership.screening


def needs_screening(project: Project, membership: Membership) -> bool:
    """A new annotator of a project that screens: no work submitted there yet."""
    return (
        project.screening_items > 0
        and membership.role == Membership.Role.ANNOTATOR
        and membership.screening == "none"
        and not project.assignments.filter(
            annotator_id=membership.user_id, status="submitted"
        ).exists()
    )


def reset_screening(*, membership: Membership) -> Membership:
    """A lead lets a failed (or any) annotator take the screening again: their screening results
    stop counting and the state is pending (or none when the project no longer screens)."""
    with transaction.atomic():
        GoldResult.objects.filter(
            project=membership.project, annotator_id=membership.user_id, screening=True
        ).update(screening=False)
        membership.screening = "pending" if membership.project.screening_items > 0 else "none"
        membership.save(update_fields=["screening"])
    return membership


def set_paused(*, membership: Membership, paused: bool) -> Membership:
    """Pause (no new traces from the queue) or unpause an annotator."""
    membership.paused = paused
    membership.save(update_fields=["paused"])
    return membership

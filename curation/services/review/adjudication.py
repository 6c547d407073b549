"""Adjudication: two or three annotators' segmentations of one trace field become its approved one.

``awaiting_adjudication`` lists the trace fields with two or more submitted segmentations and no
approved one (those routing sent to adjudication first). ``case`` reads one of them into the
plain data of ``curation.quality`` and lays it out (``curation.review.overlay``). ``adjudicate``
applies the adjudicator's choices with ``curation.quality.resolve`` and stores the result as the
trace's approved segmentation: made by a person (the adjudicator), approved by them, its parents
the annotators' segmentations, its history started from them and the transition recorded.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from curation import quality
from curation.models import Project, Segmentation, SegmentationEdit, Step, Trace, TraceAgreement
from curation.review.overlay import Overlay, overlay
from curation.review.states import NEW, Action, next_status
from curation.services.review.permissions import require_reviewer
from curation.services.review.transitions import ReviewError, record, require_no_other_approval

Status = Segmentation.Status
MAX_SIDES = 3


@dataclass
class AdjudicationCase:
    """One trace field to adjudicate: its text, the sides (segmentations) and how they differ."""

    trace: Trace
    field: str
    text: str
    sides: list[Segmentation]
    annotations: list[quality.Annotation]
    differences: quality.Differences
    overlay: Overlay
    others: list[Segmentation]  # further submitted segmentations, beyond the three shown


def awaiting_adjudication(project: Project) -> QuerySet:
    """Rows of trace_id, field, sides, route, boundary_f1: those routed to adjudication first."""
    approved = Segmentation.objects.filter(trace_id=OuterRef("trace_id"), field=OuterRef("field"), status=Status.APPROVED)
    agreement = TraceAgreement.objects.filter(trace_id=OuterRef("trace_id"), field=OuterRef("field"))
    return (
        Segmentation.objects.filter(trace__project=project, status=Status.SUBMITTED, origin=Segmentation.Origin.HUMAN)
        .exclude(Exists(approved))
        .values("trace_id", "field")
        .annotate(sides=Count("id"))
        .filter(sides__gte=2)
        .annotate(
            route=Subquery(agreement.values("route")[:1]),
            boundary_f1=Subquery(agreement.values("boundary_f1")[:1]),
            routed=Case(When(route="adjudicate", then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("routed", "trace_id", "field")
    )


def case(project: Project, trace_id: int, field: str, *, chosen: Sequence[int] = ()) -> AdjudicationCase:
    """The trace field's submitted segmentations laid over each other (``chosen`` ids, or the
    first three submitted)."""
    trace = Trace.objects.filter(project=project, pk=trace_id).first()
    if trace is None:
        raise ReviewError("No such trace.")
    submitted = list(
        Segmentation.objects.filter(trace=trace, field=field, status=Status.SUBMITTED, origin=Segmentation.Origin.HUMAN)
        .select_related("author").order_by("id")
    )
    picked = [s for s in submitted if s.pk in set(chosen)] if chosen else submitted[:MAX_SIDES]
    if not 2 <= len(picked) <= MAX_SIDES:
        raise ReviewError("Adjudication needs two or three submitted segmentations of the field.")
    text = trace.field_text(field)
    annotations = [_annotation(k, s) for k, s in enumerate(picked)]
    found = quality.differences(annotations, text=text, tolerance=_tolerance(project))
    laid = overlay(text, annotations, found)
    others = [s for s in submitted if s not in picked]
    return AdjudicationCase(trace, field, text, picked, annotations, found, laid, others)


def adjudicate(
    project: Project, adjudicator, *, trace_id: int, field: str, segmentation_ids: Sequence[int],
    choices: Mapping[str, quality.adjudication.Choice], base: int = 0, comment: str = "",
    revisions: Sequence[int] | None = None,
) -> Segmentation:
    """Resolve the differences (unchosen ones follow side ``base``) into the approved segmentation.

    ``revisions``, when given, are the sides' revisions the adjudicator saw (in the order of
    ``segmentation_ids``): a side changed since is refused rather than silently resolved."""
    found = case(project, trace_id, field, chosen=segmentation_ids)
    seen = dict(zip(segmentation_ids, revisions)) if revisions is not None else {}
    require_reviewer(found.sides[0], adjudicator, authors=[s.author_id for s in found.sides])
    if not 0 <= base < len(found.sides):
        raise ReviewError("Choose one of the sides as the base.")
    try:
        steps = quality.resolve(found.annotations, choices, text=found.text, tolerance=_tolerance(project), base=base)
    except ValueError as error:
        raise ReviewError(str(error)) from error
    next_status(Action.ADJUDICATE, NEW)
    with transaction.atomic():
        require_no_other_approval(found.sides[0])
        _refuse_changed(found.sides, seen)
        result = _store(found, adjudicator, steps)
        names = ", ".join(f"#{s.pk}" for s in found.sides)
        record(result, NEW, Status.APPROVED, adjudicator, comment.strip() or f"Adjudicated from {names}.")
    return result


# --- Helpers ------------------------------------------------------------------------------------


def _annotation(k: int, segmentation: Segmentation) -> quality.Annotation:
    rows = segmentation.steps.order_by("position").values_list("start", "end", "type", "rating")
    return quality.Annotation(k, [quality.StepLabel(s, e, t or None, r) for s, e, t, r in rows])


def _tolerance(project: Project) -> int:
    # Token tolerances are measured by the agreement worker; here a token counts as 4 characters,
    # the dataset builder's estimate, so the page shows about the same boundaries as agreeing.
    return project.agreement_tolerance * (4 if project.agreement_unit == "tokens" else 1)


def _refuse_changed(sides: list[Segmentation], seen: Mapping[int, int]) -> None:
    """A side edited, approved or sent back while the adjudicator looked: look again."""
    rows = Segmentation.objects.select_for_update().filter(pk__in=[s.pk for s in sides])
    for pk, revision, status in rows.values_list("pk", "revision", "status"):
        if status != Status.SUBMITTED or seen.get(pk, revision) != revision:
            raise ReviewError(f"Segmentation #{pk} changed meanwhile: open the adjudication again.")


def _store(found: AdjudicationCase, adjudicator, steps: list[quality.StepLabel]) -> Segmentation:
    now = timezone.now()
    result = Segmentation.objects.create(
        trace=found.trace, field=found.field, origin=Segmentation.Origin.HUMAN, author=adjudicator,
        status=Status.APPROVED, reviewed_by=adjudicator, reviewed_at=now,
    )
    rows = [{"start": s.start, "end": s.end, "type": s.type or "", "rating": s.rating} for s in steps]
    Step.objects.bulk_create(Step(segmentation=result, position=i, **row) for i, row in enumerate(rows))
    result.parents.set(found.sides)
    SegmentationEdit.objects.create(
        segmentation=result, author=adjudicator, operation=SegmentationEdit.Operation.START,
        params={"from": "adjudication", "parents": [s.pk for s in found.sides]},
        position=0, after=[{**row, "note": "", "flagged": False} for row in rows], revision=result.revision,
    )
    return result

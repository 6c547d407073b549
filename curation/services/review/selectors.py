"""What reviewers read: the review queue, the approved list, a segmentation's review comments.

The queue is the project's submitted segmentations made by people whose trace field has no
approved segmentation yet, oldest submission first, filtered by annotator, by flags, by -1
ratings and by the trace's agreement (``TraceAgreement.boundary_f1``, where it was computed).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from curation.models import Project, ReviewComment, Segmentation, SegmentationTransition, Step, TraceAgreement

Status = Segmentation.Status


@dataclass(frozen=True)
class QueueFilters:
    annotator: str = ""  # username
    flagged: bool = False  # has a flagged step
    negative: bool = False  # has a step rated -1
    agreement_below: float | None = None  # boundary F1 below this (traces without one are left out)
    agreement_above: float | None = None  # at or above this


def review_queue(project: Project, filters: QueueFilters = QueueFilters()) -> QuerySet[Segmentation]:
    """Submitted segmentations waiting for a decision, oldest submission first."""
    queue = (
        Segmentation.objects.filter(trace__project=project, status=Status.SUBMITTED,
                                    origin=Segmentation.Origin.HUMAN)
        .exclude(Exists(_approved_sibling()))
        .annotate(
            submitted_at=Coalesce(Subquery(_last_submit()), F("updated_at")),
            agreement=Subquery(_agreement()),
            has_flag=Exists(Step.objects.filter(segmentation=OuterRef("pk"), flagged=True)),
            has_negative=Exists(Step.objects.filter(segmentation=OuterRef("pk"), rating=-1)),
        )
        .select_related("author", "trace")
        .defer("trace__reasoning", "trace__response", "trace__source")
        .order_by("submitted_at", "id")
    )
    return _filtered(queue, filters)


def approved_list(project: Project) -> QuerySet[Segmentation]:
    """Approved segmentations, the latest approval first."""
    return (
        Segmentation.objects.filter(trace__project=project, status=Status.APPROVED)
        .select_related("author", "reviewed_by", "trace")
        .defer("trace__reasoning", "trace__response", "trace__source")
        .annotate(adjudicated=Exists(Segmentation.parents.through.objects.filter(from_segmentation=OuterRef("pk"))))
        .order_by(F("reviewed_at").desc(nulls_last=True), "-id")
    )


def comments_for(segmentation: Segmentation, *, open_only: bool = True) -> list[ReviewComment]:
    """The reviewer's comments, the one on the whole first, then by step."""
    comments = segmentation.review_comments.select_related("author")
    if open_only:
        comments = comments.filter(resolved=False)
    comments = list(comments)
    if any(c.step_index is not None for c in comments):
        _reanchor(segmentation, comments)
    return sorted(comments, key=lambda c: (c.step_index is not None, c.step_index or 0, c.pk))


def _reanchor(segmentation: Segmentation, comments: list[ReviewComment]) -> None:
    """Set each step comment's ``step_index`` (not saved) to where its step is now.

    Its step row if that row still exists (an edit elsewhere only renumbers it), else the step
    that now holds the character its step started at (the row was split or merged away: the
    comment goes to the part that begins where the commented step began). Comments written
    before anchors were stored keep their index."""
    steps = list(segmentation.steps.order_by("position").values_list("pk", "start"))
    index_of = {pk: index for index, (pk, _) in enumerate(steps)}
    starts = [start for _, start in steps]
    for comment in comments:
        if comment.step_index is None:
            continue
        if comment.step_ref in index_of:
            comment.step_index = index_of[comment.step_ref]
        elif comment.step_start is not None and steps:
            comment.step_index = max(bisect_right(starts, comment.step_start) - 1, 0)


def annotators_of(project: Project) -> list[str]:
    """Usernames of everyone with a submitted segmentation in the project (the filter's choices)."""
    return sorted(
        Segmentation.objects.filter(trace__project=project, status=Status.SUBMITTED, author__isnull=False)
        .values_list("author__username", flat=True).distinct()
    )


def _filtered(queue: QuerySet[Segmentation], filters: QueueFilters) -> QuerySet[Segmentation]:
    if filters.annotator:
        queue = queue.filter(author__username=filters.annotator)
    if filters.flagged:
        queue = queue.filter(has_flag=True)
    if filters.negative:
        queue = queue.filter(has_negative=True)
    if filters.agreement_below is not None:
        queue = queue.filter(agreement__lt=filters.agreement_below)
    if filters.agreement_above is not None:
        queue = queue.filter(agreement__gte=filters.agreement_above)
    return queue


def _approved_sibling() -> QuerySet[Segmentation]:
    return Segmentation.objects.filter(trace_id=OuterRef("trace_id"), field=OuterRef("field"), status=Status.APPROVED)


def _last_submit() -> QuerySet:
    return (
        SegmentationTransition.objects.filter(segmentation=OuterRef("pk"), to_status=Status.SUBMITTED)
        .order_by("-id").values("created_at")[:1]
    )


def _agreement() -> QuerySet:
    return TraceAgreement.objects.filter(trace_id=OuterRef("trace_id"), field=OuterRef("field")).values("boundary_f1")[:1]

"""Handing traces to annotators: N annotations per trace, safe when many people ask at once.

A trace has ``project.overlap`` slots; an active or submitted assignment fills one, a skipped or
expired one frees it. Claiming locks the candidate trace row with ``SELECT ... FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so concurrent claimers walk past each other's rows instead of queueing on
them, then counts the filled slots again under the lock (a fresh statement, so it sees claims
committed meanwhile) before taking one. Only when every open trace is locked by someone else does
a claimer wait for one, since a locked trace may still have a free slot. SQLite has no row locks: there the first statement of the
transaction is a write, which takes SQLite's single write lock and so serializes claims.

The quality loop (``services.quality``) adds three rules: a trace its annotators disagreed on
(stored agreement routed ``route_to_one_more``) has one slot more than it has annotators; gold
traces are never real work, but are served as gold items to the annotators the quality rules
send to the gold pool (``queue_rules.pools_for``: screening, gold rate); a paused annotator, or
one who failed screening, gets no new trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from curation.models import (
    Assignment, Project, Segmentation, SegmentationEdit, Step, Trace, TraceAgreement,
)
from curation.segment.spans import trim
from curation.services.quality import queue_rules
from curation.services.learning.uncertainty import queue_order
from curation.services.segmentation.runs import plan_for

# A trace a lead assigned to someone (reserved) keeps its slot for them.
FILLED = (Assignment.Status.ACTIVE, Assignment.Status.SUBMITTED, Assignment.Status.RESERVED)
# Traces locked by other claimers are skipped; this bounds how many full ones we step over.
MAX_CANDIDATES = 25


def assignment_ttl() -> timedelta:
    """How long an assignment stays active without an edit before its slot is freed.

    Idle time counts from the later of the claim (``last_active_at``) and the draft's last edit
    (its ``updated_at``, which every edit sets anyway).
    """
    return timedelta(minutes=settings.STEPWISE_ASSIGNMENT_TTL_MINUTES)


@dataclass(frozen=True)
class QueueSummary:
    remaining: int
    mine_active: int
    mine_submitted: int
    mine_skipped: int


def expire_stale(*, project: Project, now=None) -> int:
    """Mark active assignments idle for longer than the TTL as expired; returns how many."""
    cutoff = (now or timezone.now()) - assignment_ttl()
    return (
        Assignment.objects.filter(
            project=project, status=Assignment.Status.ACTIVE, last_active_at__lt=cutoff
        )
        .exclude(segmentation__updated_at__gte=cutoff)
        .exclude(segmentation__status=Segmentation.Status.SENT_BACK)  # waits for its annotator
        .update(status=Assignment.Status.EXPIRED)
    )


def current_assignment(*, project: Project, annotator) -> Assignment | None:
    """The annotator's active assignment; work sent back to them by a reviewer comes first."""
    sent_back = Q(segmentation__status=Segmentation.Status.SENT_BACK)
    return (
        Assignment.objects.filter(
            project=project, annotator=annotator, status=Assignment.Status.ACTIVE
        )
        .alias(fix_first=Case(When(sent_back, then=Value(0)), default=Value(1)))
        .select_related("segmentation", "trace")
        .order_by("fix_first", "-last_active_at")
        .first()
    )


def sent_back_assignments(*, project: Project, annotator):
    """The annotator's assignments whose work a reviewer sent back, oldest first."""
    return (
        Assignment.objects.filter(
            project=project, annotator=annotator, segmentation__status=Segmentation.Status.SENT_BACK
        )
        .select_related("segmentation", "trace")
        .order_by("last_active_at")
    )


def claim_next(*, project: Project, annotator) -> Assignment | None:
    """The annotator's active assignment, else one a lead reserved for them, else a new one on a
    trace with a free slot (higher priority first; or a gold item, when the quality rules say so),
    else None. An archived project hands out none."""
    if project.archived_at is not None:
        return None
    with transaction.atomic():
        expire_stale(project=project)  # a write first: on SQLite this takes the write lock
        assignment = current_assignment(project=project, annotator=annotator)
        if assignment is not None:
            return assignment
        reserved = _take_reserved(project, annotator)
        if reserved is not None:
            return reserved
        for pool in queue_rules.pools_for(project, annotator):
            assignment = _claim_from(project, annotator, gold=pool == queue_rules.GOLD)
            if assignment is not None:
                return assignment
    return None


def _claim_from(project: Project, annotator, *, gold: bool) -> Assignment | None:
    tried: list[int] = []
    for _ in range(MAX_CANDIDATES):
        trace = _lock_candidate(project, annotator, exclude=tried, skip_locked=True, gold=gold)
        if trace is None:
            # Every open trace was locked by another claimer, but a locked trace may still
            # have a free slot (overlap > 1): wait for the first one instead of giving up.
            trace = _lock_candidate(project, annotator, exclude=tried, skip_locked=False, gold=gold)
        if trace is None:
            return None
        if has_work(trace) and (gold or _filled_slots(trace) < slots_of(trace, project)):
            return _assign(trace, annotator)
        tried.append(trace.pk)
    return None


def has_work(trace: Trace) -> bool:
    """Whether a draft of the trace has something to start from: a field with text, or a
    segmentation to copy. A whitespace-only field passes the queue's SQL filter (an equality
    test, cheap on long texts; a regex would read every text) but leaves nothing to cut."""
    return plan_for(trace) is not None or _starting_point(trace) is not None


def _take_reserved(project: Project, annotator) -> Assignment | None:
    reserved = (
        Assignment.objects.filter(
            project=project, annotator=annotator, status=Assignment.Status.RESERVED,
            trace__archived_at__isnull=True,
        )
        .order_by("-trace__priority", "trace_id")
        .select_related("trace")
        .first()
    )
    return _assign(reserved.trace, annotator) if reserved else None


def reactivate(assignment: Assignment) -> bool:
    """Give an expired assignment back to its annotator if the trace still has a free slot."""
    if assignment.status == Assignment.Status.ACTIVE:
        return True
    if assignment.status != Assignment.Status.EXPIRED:
        return False
    trace = Trace.objects.select_for_update().get(pk=assignment.trace_id)
    is_gold = queue_rules.gold_segmentations().filter(trace=trace).exists()
    if not is_gold and _filled_slots(trace) >= slots_of(trace, assignment.project):
        return False
    assignment.status = Assignment.Status.ACTIVE
    assignment.last_active_at = timezone.now()
    assignment.save(update_fields=["status", "last_active_at"])
    return True


def slots_of(trace: Trace, project: Project) -> int:
    """The project's overlap, or one more than the annotators of a disagreement routed on."""
    annotators = _routed(trace.pk).values_list("annotators", flat=True).first()
    return max(project.overlap, annotators + 1 if annotators else 0)


def queue_summary(*, project: Project, annotator) -> QueueSummary:
    mine = dict(
        Assignment.objects.filter(project=project, annotator=annotator)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return QueueSummary(
        remaining=_open_traces(project).count(),
        mine_active=mine.get(Assignment.Status.ACTIVE, 0),
        mine_submitted=mine.get(Assignment.Status.SUBMITTED, 0),
        mine_skipped=mine.get(Assignment.Status.SKIPPED, 0),
    )


def _filled_count():
    return Subquery(
        Assignment.objects.filter(trace=OuterRef("pk"), status__in=FILLED)
        .order_by()
        .values("trace")
        .annotate(n=Count("id"))
        .values("n")
    )


def _routed(trace_ref):
    """Stored agreement that routed the trace to one more annotator (most annotators first)."""
    return TraceAgreement.objects.filter(trace=trace_ref, route="route_to_one_more").order_by(
        "-annotators"
    )


def _is_gold_trace():
    return Exists(queue_rules.gold_segmentations().filter(trace_id=OuterRef("pk")))


def _open_traces(project: Project):
    """Traces with text to cut and a free slot (a subquery count: FOR UPDATE forbids GROUP BY);
    gold traces are not real work."""
    routed = Subquery(_routed(OuterRef("pk")).values(more=F("annotators") + 1)[:1])
    slots = Greatest(Coalesce(routed, Value(0)), Value(project.overlap))
    return (
        Trace.objects.filter(project=project, archived_at__isnull=True)
        .exclude(reasoning="", response="")
        .exclude(_is_gold_trace())
        .alias(filled=_filled_count(), slots=slots)
        .filter(Q(filled__isnull=True) | Q(filled__lt=F("slots")))
    )


def _gold_traces(project: Project, annotator):
    """Gold traces with text, except those whose gold the annotator made."""
    not_mine = queue_rules.gold_segmentations().filter(trace_id=OuterRef("pk")).exclude(author=annotator)
    return (
        Trace.objects.filter(project=project, archived_at__isnull=True)
        .exclude(reasoning="", response="").filter(Exists(not_mine))
    )


def _lock_candidate(
    project: Project, annotator, *, exclude: list[int], skip_locked: bool, gold: bool = False
) -> Trace | None:
    """The first open trace (or gold trace) this annotator never took (or let expire), locked
    for this transaction.

    An annotator's own expired traces come first, so a draft left behind is picked up again.
    """
    taken = Assignment.objects.filter(trace=OuterRef("pk"), annotator=annotator).exclude(
        status=Assignment.Status.EXPIRED
    )
    mine_expired = Assignment.objects.filter(
        trace=OuterRef("pk"), annotator=annotator, status=Assignment.Status.EXPIRED
    )
    pool = _gold_traces(project, annotator) if gold else _open_traces(project)
    candidates = (
        pool
        .exclude(pk__in=exclude)
        .filter(~Exists(taken))
        .alias(resumable=Exists(mine_expired))
        # A lead's priority first; then oldest, or most uncertain, first.
        .order_by("-resumable", "-priority", *queue_order(project))
        .select_for_update(skip_locked=skip_locked, of=("self",))
        .only("id", "project_id", "kind", "reasoning", "response")
    )
    return candidates.first()


def _filled_slots(trace: Trace) -> int:
    return Assignment.objects.filter(trace=trace, status__in=FILLED).count()


def _assign(trace: Trace, annotator) -> Assignment:
    assignment, _ = Assignment.objects.update_or_create(
        trace=trace,
        annotator=annotator,
        defaults={
            "project_id": trace.project_id,
            "status": Assignment.Status.ACTIVE,
            "last_active_at": timezone.now(),
            "finished_at": None,
        },
    )
    if assignment.segmentation_id is None:
        assignment.segmentation = open_draft(trace, annotator)
        assignment.save(update_fields=["segmentation"])
    return assignment


def open_draft(trace: Trace, author, source: Segmentation | None = None) -> Segmentation:
    """The annotator's own draft: a copy of ``source``'s steps, by default the source's (else the
    automatic ones).

    A trace nobody cut yet starts as one step over its whole field. The copy is the first entry
    of the draft's history, so the history alone rebuilds every revision.
    """
    source = source or _starting_point(trace)
    plan = None if source else plan_for(trace)
    if source is None and plan is None:  # the queue skips such traces (``has_work``)
        raise ValueError(f"trace {trace.pk} has no text to annotate")
    field = source.field if source else plan.field
    segmentation = Segmentation.objects.create(
        trace=trace, field=field, origin=Segmentation.Origin.HUMAN, author=author,
        rewrite_id=source.rewrite_id if source else None,
    )
    steps = _copied_steps(source) if source else _whole_field(trace, field)
    Step.objects.bulk_create([_step_row(segmentation, i, step) for i, step in enumerate(steps)])
    SegmentationEdit.objects.create(
        segmentation=segmentation,
        author=author,
        operation=SegmentationEdit.Operation.START,
        params={
            "from": source.origin if source else "whole field",
            "source_id": source and source.pk,
        },
        position=0,
        after=steps,
        revision=segmentation.revision,
    )
    return segmentation


def _starting_point(trace: Trace) -> Segmentation | None:
    """The imported segmentation if the source had one (people made it), else a model's
    (a rewrite's steps or sections, which a person reviews here), else the automatic one."""
    preferred = {Segmentation.Origin.IMPORTED: 0, Segmentation.Origin.MODEL: 1,
                 Segmentation.Origin.AUTO: 2}
    sources = trace.segmentations.filter(origin__in=preferred).order_by("-id")
    return min(sources, key=lambda seg: preferred[seg.origin], default=None)


def starting_point(trace: Trace) -> Segmentation | None:
    """The segmentation an annotator's draft of ``trace`` starts from (proposals sit on it)."""
    return _starting_point(trace)


def _copied_steps(source: Segmentation) -> list[dict]:
    return list(
        source.steps.order_by("position").values(
            "start", "end", "type", "rating", "note", "flagged", "token_count"
        )
    )


def _whole_field(trace: Trace, field: str) -> list[dict]:
    span = trim(getattr(trace, field), 0, len(getattr(trace, field)))
    return [{"start": span[0], "end": span[1]}] if span else []


def _step_row(segmentation: Segmentation, index: int, step: dict) -> Step:
    return Step(
        segmentation=segmentation,
        position=index,
        start=step["start"],
        end=step["end"],
        type=step.get("type") or "",
        rating=step.get("rating"),
        note=step.get("note") or "",
        flagged=step.get("flagged", False),
        token_count=step.get("token_count"),
    )

"""Which traces a version takes, and which segmentation of each: decided in SQL.

Per trace, the segmentations the source rule allows are ranked (approved first, then those a
person submitted or the source came with, then the automatic one; the newest first within a
rank) and the first is chosen: the one no other candidate of its trace outranks. The filters
then apply to that chosen segmentation, its steps and its trace. The builder page's live
counts and the build read the same queryset, so the counts a lead sees are the counts the build
writes.
"""
from __future__ import annotations

from dataclasses import dataclass

import orjson
from django.db.models import (
    Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When,
)
from django.db.models.functions import Coalesce, Least

from curation.models import Project, Segmentation, Step, TraceAgreement
from curation.services.datasets.spec import BuildSpec

Origin = Segmentation.Origin
Status = Segmentation.Status

# Steps a person changed lost the segmenter's token count; their length is estimated at about
# four characters per token (what BPE tokenizers average on English and LaTeX).
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class SelectionCounts:
    """What a spec would build: traces, and rows per chosen format."""

    traces: int
    rows: dict[str, int]


def chosen_segmentations(project: Project, spec: BuildSpec) -> QuerySet[Segmentation]:
    """One segmentation per selected trace: the one the version will use."""
    candidates = Segmentation.objects.filter(_candidates(spec)).annotate(priority=_priority())
    # "No better candidate for the same trace" rather than a ranking window: an anti-join the
    # planner estimates well, where a window's filtered row count is a guess that can pick
    # a quadratic plan on PostgreSQL.
    better = candidates.filter(trace_id=OuterRef("trace_id")).filter(
        Q(priority__lt=OuterRef("priority"))
        | Q(priority=OuterRef("priority"), updated_at__gt=OuterRef("updated_at"))
        | Q(priority=OuterRef("priority"), updated_at=OuterRef("updated_at"), pk__gt=OuterRef("pk"))
    )
    # Traces a lead excluded or archived never reach a dataset (the workbench's bulk actions).
    chosen = candidates.filter(
        trace__project=project, trace__excluded=False, trace__archived_at__isnull=True
    ).exclude(Exists(better))
    return _filtered(chosen, spec)


def count_selection(project: Project, spec: BuildSpec) -> SelectionCounts:
    """Traces and rows per format, mirroring what the export core makes of each trace.

    One query: per chosen segmentation, the steps that survive the rating rule; then how many
    traces, how many such steps (one SRL row each) and how many traces keep a step (one PRM
    row each).
    """
    kept = Coalesce(kept_steps_count(spec.ratings), Value(0))
    # One SRL row per kept step, up to the spec's cap per trace.
    rows = Least("kept", Value(spec.max_steps_per_trace)) if spec.max_steps_per_trace else F("kept")
    totals = chosen_segmentations(project, spec).annotate(kept=kept, srl_rows=rows).aggregate(
        traces=Count("pk"), steps=Sum("srl_rows"), with_steps=Count("pk", filter=Q(kept__gt=0)),
    )
    traces = totals["traces"]
    per_format = {"srl": totals["steps"] or 0, "prm": totals["with_steps"], "sft": traces,
                  "steps": traces}
    # The other PRM layouts, like prm, write one row per trace that keeps a step.
    return SelectionCounts(
        traces, {name: per_format.get(name, totals["with_steps"]) for name in spec.formats}
    )


def kept_steps_count(ratings: str) -> Subquery:
    """How many of a segmentation's steps the rating rule keeps (a correlated subquery)."""
    steps = _own_steps()
    if ratings in ("through-first-negative", "before-first-negative"):
        earlier = "position__lt" if ratings == "through-first-negative" else "position__lte"
        negative_before = Step.objects.filter(
            segmentation_id=OuterRef("segmentation_id"), rating=-1,
            **{earlier: OuterRef("position")},
        )
        steps = steps.exclude(Exists(negative_before))
    return Subquery(steps.order_by().values("segmentation").annotate(n=Count("pk")).values("n"))


def _candidates(spec: BuildSpec) -> Q:
    allowed = Q(status=Status.APPROVED)
    if spec.source in ("submitted", "auto"):
        by_people = Q(status=Status.SUBMITTED, origin__in=[Origin.HUMAN, Origin.IMPORTED])
        if spec.annotator:
            by_people &= Q(author__username=spec.annotator)
        allowed |= by_people
    if spec.source == "auto":
        allowed |= Q(origin=Origin.AUTO)
    return allowed


def _priority() -> Case:
    return Case(
        When(status=Status.APPROVED, then=Value(0)),
        When(origin=Origin.AUTO, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _filtered(chosen: QuerySet[Segmentation], spec: BuildSpec) -> QuerySet[Segmentation]:
    if spec.statuses:
        chosen = chosen.filter(_status_q(spec.statuses))
    if spec.reviewer:
        chosen = chosen.filter(status=Status.APPROVED, author__username=spec.reviewer)
    if spec.teacher_models:
        chosen = chosen.filter(trace__teacher_model__in=spec.teacher_models)
    if spec.source_key:
        chosen = chosen.filter(_source_q(spec.source_key, spec.source_value))
    if spec.step_types:
        chosen = chosen.filter(Exists(_own_steps().filter(type__in=spec.step_types)))
    chosen = _filter_review(chosen, spec)
    chosen = _filter_step_counts(chosen, spec)
    return _filter_ratings(chosen, spec.ratings)


def _filter_review(chosen: QuerySet[Segmentation], spec: BuildSpec) -> QuerySet[Segmentation]:
    """The quality loop's filters: review standing, and the annotators' stored agreement (a
    trace without stored agreement, one annotator only, has no figure and is left out)."""
    if spec.review in ("approved", "adjudicated"):
        chosen = chosen.filter(status=Status.APPROVED)
    if spec.review == "adjudicated":
        has_parents = Segmentation.parents.through.objects.filter(from_segmentation=OuterRef("pk"))
        chosen = chosen.filter(Exists(has_parents))
    if spec.min_agreement is not None:
        agreed = TraceAgreement.objects.filter(
            trace_id=OuterRef("trace_id"), field=OuterRef("field"),
            boundary_f1__gte=spec.min_agreement,
        )
        chosen = chosen.filter(Exists(agreed))
    return chosen


def _status_q(statuses: tuple[str, ...]) -> Q:
    by_status = {
        "approved": Q(status=Status.APPROVED),
        "submitted": Q(status=Status.SUBMITTED) & ~Q(origin=Origin.AUTO),
        "auto": Q(origin=Origin.AUTO) & ~Q(status=Status.APPROVED),
    }
    query = Q()
    for status in statuses:
        query |= by_status[status]
    return query


def _source_q(key: str, value: str) -> Q:
    """``source[key]`` present, or equal to the value as text or as the JSON it spells
    (so ``1``, ``true`` and ``"gsm8k"`` all find what an import stored)."""
    lookup = f"trace__source__{key}"
    if not value:
        return Q(trace__source__has_key=key)
    query = Q(**{lookup: value})
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        return query
    if not isinstance(parsed, str) and parsed is not None:
        query |= Q(**{lookup: parsed})
    return query


def _own_steps() -> QuerySet[Step]:
    return Step.objects.filter(segmentation=OuterRef("pk"))


def _step_aggregate(aggregate) -> Coalesce:
    per_segmentation = (
        _own_steps().order_by().values("segmentation").annotate(value=aggregate).values("value")
    )
    return Coalesce(Subquery(per_segmentation), Value(0))


def _step_tokens():
    estimate = (F("end") - F("start") + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN
    return Coalesce("token_count", estimate, output_field=IntegerField())


def _filter_step_counts(chosen: QuerySet[Segmentation], spec: BuildSpec) -> QuerySet[Segmentation]:
    bounds = {
        "num_steps": (Count("pk"), spec.min_steps, spec.max_steps),
        "num_tokens": (Sum(_step_tokens()), spec.min_tokens, spec.max_tokens),
        "longest_step": (Max(_step_tokens()), None, spec.max_step_tokens),
    }
    for name, (aggregate, low, high) in bounds.items():
        if low is None and high is None:
            continue  # a subquery per trace costs time: only when asked for
        chosen = chosen.annotate(**{name: _step_aggregate(aggregate)})
        if low is not None:
            chosen = chosen.filter(**{f"{name}__gte": low})
        if high is not None:
            chosen = chosen.filter(**{f"{name}__lte": high})
    return chosen


def _filter_ratings(chosen: QuerySet[Segmentation], ratings: str) -> QuerySet[Segmentation]:
    # The export core applies the same rules to each trace; doing it here too means the
    # build never reads the traces it would drop, and the counts see the same traces.
    if ratings == "no-negative":
        return chosen.exclude(Exists(_own_steps().filter(rating=-1)))
    if ratings == "rated-only":
        return chosen.exclude(Exists(_own_steps().filter(rating__isnull=True)))
    return chosen

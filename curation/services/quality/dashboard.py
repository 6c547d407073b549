"""A project's quality figures: what the dashboard draws and the API returns.

Every figure is one aggregate query (GROUP BY in the database), never a loop over rows, so the
page stays fast on a project of 100,000 traces (bench/quality_dashboard.py):

- ``states``: traces by the furthest state any segmentation reached (approved > submitted >
  in progress > not started);
- ``progress``: submissions, approvals and skips per day (the page draws them cumulatively);
- ``throughput``: per annotator, submitted and skipped traces and the mean active time;
- ``agreement``: stored agreement per trace: count, mean boundary F1, a ten-bin histogram of it,
  its weekly mean, routes, and per annotator the mean over the traces they are in;
- ``gold``: per annotator, gold items and their mean boundary F1, type and rating accuracy;
- ``types`` and ``ratings``: the labels on the steps of people's submitted and approved work.

On SQLite, Django's date truncation is a Python function called per row; PostgreSQL runs it
natively (the figures in docs/BENCHMARKS.md are PostgreSQL's and SQLite's).

The page and the API do not run these queries: they read ``dashboard_figures``, the project's
``QualityFigures`` row, one primary-key read whatever the project's size. The aggregates take
seconds on 100,000 traces, so they run on a worker (``refresh_figures``, the
``curation.refresh_quality_figures`` task), asked by ``request_refresh``:

- on every status transition (``services.review.transitions.record``: submit, skip, approve,
  send back, withdraw, adjudicate, auto-approve) and every stored agreement,
  ``STEPWISE_QUALITY_FIGURES_REFRESH_DELAY`` seconds later, so that a burst of transitions shares
  one refresh (a cache key marks one as asked for; the refresh clears it before it starts, so a
  transition during it asks again; the key expires on its own should a refresh be lost);
- on a read that finds the row older than ``STEPWISE_QUALITY_FIGURES_FRESH_SECONDS``: what
  changes without a transition (a trace claimed, a reviewer's label edit) shows within that.

A project without a row yet (its first visit) has its figures computed in the request.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Least, TruncDate, TruncWeek

from django.utils import timezone

from curation.models import (
    Assignment, GoldResult, Project, QualityFigures, Segmentation, SegmentationTransition, Step, Trace,
    TraceAgreement,
)

logger = logging.getLogger(__name__)
Status = Segmentation.Status
PEOPLE = (Segmentation.Origin.HUMAN, Segmentation.Origin.IMPORTED)
COUNTED = (Status.SUBMITTED, Status.APPROVED)
BINS = 10
STATE_NAMES = ("not_started", "in_progress", "submitted", "approved")


def dashboard_figures(project: Project) -> QualityFigures:
    """The figures the page and the API show (``.figures``, ``.computed_at``): the stored row,
    with a refresh asked for when it is old; computed here only when there is none yet."""
    row = QualityFigures.objects.filter(project=project).first()
    if row is None:
        return refresh_figures(project)
    fresh_for = timedelta(seconds=getattr(settings, "STEPWISE_QUALITY_FIGURES_FRESH_SECONDS", 60))
    if timezone.now() - row.computed_at > fresh_for:
        request_refresh(project.pk)
    return row


def refresh_figures(project: Project) -> QualityFigures:
    """Compute every figure and store them (the task's work)."""
    try:
        cache.delete(_refresh_key(project.pk))  # a change from now on asks for another refresh
    except Exception:  # the mark then expires on its own
        logger.warning("Could not clear project %s's refresh mark", project.pk, exc_info=True)
    started, clock = timezone.now(), time.perf_counter()
    figures = project_figures(project)
    values = {"figures": figures, "computed_at": started, "seconds": round(time.perf_counter() - clock, 3)}
    updated = QualityFigures.objects.filter(project=project, computed_at__lte=started).update(**values)
    if not updated:
        try:
            with transaction.atomic():
                QualityFigures.objects.create(project=project, **values)
        except IntegrityError:  # a newer refresh stored its row first: keep it
            pass
    return QualityFigures(project=project, **values)


def request_refresh(project_id: int) -> None:
    """Ask a worker to recompute the project's figures STEPWISE_QUALITY_FIGURES_REFRESH_DELAY
    seconds after the current transaction commits (nothing if it rolls back), unless a refresh
    is already asked for."""
    transaction.on_commit(partial(_ask_for_refresh, project_id))


def _ask_for_refresh(project_id: int) -> None:
    from curation import tasks  # tasks import the services; only entry points import tasks

    delay = getattr(settings, "STEPWISE_QUALITY_FIGURES_REFRESH_DELAY", 5)
    key = _refresh_key(project_id)
    try:
        if cache.add(key, 1, timeout=delay + 120):
            tasks.refresh_quality_figures.apply_async((project_id,), countdown=delay)
    except Exception:  # runs after the commit: an unreachable cache or broker must not fail the
        # decision already made; the figures' age check asks again later
        logger.warning("Could not ask for project %s's quality figures to be refreshed", project_id, exc_info=True)
        try:
            cache.delete(key)
        except Exception:
            pass


def _refresh_key(project_id: int) -> str:
    return f"stepwise:quality-figures-refresh:{project_id}"


def project_figures(project: Project) -> dict[str, Any]:
    """Every figure of the dashboard, as JSON-ready values."""
    return {
        "states": trace_states(project),
        "progress": progress_by_day(project),
        "throughput": throughput(project),
        "agreement": agreement_figures(project),
        "gold": gold_accuracy(project),
        **dict(zip(("types", "ratings"), label_counts(project))),
    }


def trace_states(project: Project) -> dict[str, int]:
    """Traces by the furthest state reached: one GROUP BY over a per-trace MAX."""
    rank = Case(
        When(status=Status.APPROVED, then=Value(3)),
        When(status=Status.SUBMITTED, origin__in=PEOPLE, then=Value(2)),
        When(status__in=(Status.DRAFT, Status.SENT_BACK), origin=Segmentation.Origin.HUMAN, then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    per_trace = (
        Segmentation.objects.filter(trace__project=project).order_by()
        .values("trace_id").annotate(best=Max(rank)).values("best")
    )
    sql, params = per_trace.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT best, COUNT(*) FROM ({sql}) AS t GROUP BY best", params)
        counts = dict(cursor.fetchall())
    total = Trace.objects.filter(project=project).count()
    states = {name: counts.get(rank, 0) for rank, name in enumerate(STATE_NAMES)}
    states["not_started"] = total - sum(states[name] for name in STATE_NAMES[1:])
    return states


def progress_by_day(project: Project) -> list[dict[str, Any]]:
    """Submitted and skipped assignments and approvals per day, oldest first."""
    days: dict[str, dict[str, Any]] = {}

    def add(rows: QuerySet, key: str) -> None:
        for day, n in rows:
            entry = days.setdefault(str(day), {"day": str(day), "submitted": 0, "approved": 0, "skipped": 0})
            entry[key] += n

    finished = Assignment.objects.filter(project=project, finished_at__isnull=False)
    for status, key in ((Assignment.Status.SUBMITTED, "submitted"), (Assignment.Status.SKIPPED, "skipped")):
        add(_per_day(finished.filter(status=status), "finished_at"), key)
    approvals = SegmentationTransition.objects.filter(
        segmentation__trace__project=project, to_status=Status.APPROVED
    )
    add(_per_day(approvals, "created_at"), "approved")
    return [days[day] for day in sorted(days)]


def _per_day(rows: QuerySet, column: str) -> QuerySet:
    return (
        rows.order_by().annotate(day=TruncDate(column)).values("day")
        .annotate(n=Count("pk")).values_list("day", "n").order_by("day")
    )


def throughput(project: Project) -> list[dict[str, Any]]:
    rows = (
        Assignment.objects.filter(project=project).order_by()
        .values("annotator__username")
        .annotate(
            submitted=Count("pk", filter=Q(status=Assignment.Status.SUBMITTED)),
            skipped=Count("pk", filter=Q(status=Assignment.Status.SKIPPED)),
            mean_seconds=Avg("segmentation__time_spent_seconds",
                             filter=Q(status=Assignment.Status.SUBMITTED)),
        )
        .order_by("annotator__username")
    )
    return [
        {"annotator": row["annotator__username"], "submitted": row["submitted"],
         "skipped": row["skipped"], "mean_seconds": _round(row["mean_seconds"], 1)}
        for row in rows
    ]


def agreement_figures(project: Project) -> dict[str, Any]:
    """One scan of the stored agreement grouped by (F1 bin, week, route): the few groups it
    returns are summed into the count, mean, histogram, weekly trend and routes."""
    rows = TraceAgreement.objects.filter(trace__project=project).order_by()
    bin_of = Least(Cast(F("boundary_f1") * BINS, IntegerField()), Value(BINS - 1))
    groups = (
        rows.annotate(bin=bin_of, week=TruncWeek("computed_at"))
        .values_list("bin", "week", "route")
        .annotate(n=Count("pk"), f1_sum=Sum("boundary_f1"))
    )
    bins, routes = [0] * BINS, {}
    weeks: dict[str, list] = {}
    total, f1_total = 0, 0.0
    for bin_, week, route, n, f1_sum in groups:
        bins[bin_] += n
        routes[route] = routes.get(route, 0) + n
        week_sums = weeks.setdefault(_day(week), [0, 0.0])
        week_sums[0] += n
        week_sums[1] += f1_sum
        total, f1_total = total + n, f1_total + f1_sum
    return {
        "traces": total,
        "mean_boundary_f1": _round(f1_total / total) if total else None,
        "histogram": [{"from": k / BINS, "to": (k + 1) / BINS, "traces": bins[k]} for k in range(BINS)],
        "weekly": [{"week": week, "traces": n, "mean_boundary_f1": _round(f1 / n)}
                   for week, (n, f1) in sorted(weeks.items())],
        "routes": dict(sorted(routes.items())),
        "per_annotator": _agreement_per_annotator(rows),
    }


def _day(value) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)


def _agreement_per_annotator(rows: QuerySet) -> list[dict[str, Any]]:
    """Mean per-trace boundary F1 over the traces each annotator's counted work is in."""
    joined = rows.filter(
        trace__segmentations__field=F("field"),
        trace__segmentations__origin=Segmentation.Origin.HUMAN,
        trace__segmentations__status__in=COUNTED,
        trace__segmentations__author__isnull=False,
    )
    per = (
        joined.values(annotator=F("trace__segmentations__author__username"))
        .annotate(traces=Count("trace_id", distinct=True), mean=Avg("boundary_f1"))
        .order_by("annotator")
    )
    return [{"annotator": r["annotator"], "traces": r["traces"], "mean_boundary_f1": _round(r["mean"])}
            for r in per]


def gold_accuracy(project: Project) -> list[dict[str, Any]]:
    rows = (
        GoldResult.objects.filter(project=project).order_by()
        .values("annotator__username")
        .annotate(items=Count("pk"), boundary_f1=Avg("boundary_f1"),
                  type_accuracy=Avg("type_accuracy"), rating_accuracy=Avg("rating_accuracy"))
        .order_by("annotator__username")
    )
    return [
        {"annotator": r["annotator__username"], "items": r["items"],
         "boundary_f1": _round(r["boundary_f1"]), "type_accuracy": _round(r["type_accuracy"]),
         "rating_accuracy": _round(r["rating_accuracy"])}
        for r in rows
    ]


def label_counts(project: Project) -> tuple[dict[str, int], dict[str, int]]:
    """Steps per type and per rating on people's submitted and approved segmentations: one
    GROUP BY (type, rating) over their steps, the few groups summed both ways."""
    counted = Segmentation.objects.filter(
        trace__project=project, origin=Segmentation.Origin.HUMAN, status__in=COUNTED
    ).values("pk")
    groups = (
        Step.objects.filter(segmentation_id__in=counted).order_by()
        .values_list("type", "rating").annotate(n=Count("pk"))
    )
    types: dict = {}
    ratings: dict = {}
    for type_, rating, n in groups:
        types[type_] = types.get(type_, 0) + n
        ratings[rating] = ratings.get(rating, 0) + n
    return _labelled(types), _labelled(ratings)


def _labelled(counts: dict) -> dict[str, int]:
    return {_label(value): counts[value] for value in sorted(counts, key=_sort_key)}


def _label(value) -> str:
    if value is None:
        return "unrated"
    if value == "":
        return "untyped"
    return f"{value:+d}" if isinstance(value, int) and value else str(value)


def _sort_key(value):
    return (value is None, str(value) if not isinstance(value, int) else f"{value + 10:03d}")


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)

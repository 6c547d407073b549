"""The trace browser's rows: who sees which traces, in which order, a keyset page at a time.

Keyset pagination: a page ends with a cursor (the last row's sort value and id) and the next
page starts strictly after it, so page 2,000 costs what page 1 costs (no OFFSET, no COUNT).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from curation.access import is_lead
from curation.models import Assignment, Project, Segmentation, Step, Trace
from curation.services.traces.filters import FilterError, TraceFilters, apply_filters

# sort name -> (label, column or None for id alone, descending?)
SORTS: dict[str, tuple[str, str | None, bool]] = {
    "newest": ("newest first", None, True),
    "oldest": ("oldest first", None, False),
    "longest": ("longest first", "length", True),
    "shortest": ("shortest first", "length", False),
    "priority": ("queued first", "priority", True),
}
PAGE_SIZE = 50
EXCERPT = 160


@dataclass
class TracePage:
    rows: list[Trace]
    next_cursor: str | None
    sort: str
    extras: dict[int, dict] = field(default_factory=dict)


def visible_traces(project: Project, user) -> QuerySet[Trace]:
    """A lead sees every trace of the project; an annotator only those they worked on."""
    traces = Trace.objects.filter(project=project)
    if is_lead(user, project):
        return traces
    return traces.filter(Exists(Assignment.objects.filter(trace=OuterRef("pk"), annotator=user)))


def matching_traces(project: Project, user, filters: TraceFilters) -> QuerySet[Trace]:
    return apply_filters(project, visible_traces(project, user), filters)


def machine_step_count() -> Coalesce:
    """Steps of the trace's automatic and imported segmentations (what the machine or source cut)."""
    steps = (
        Step.objects.filter(segmentation__trace=OuterRef("pk"))
        .exclude(segmentation__origin=Segmentation.Origin.HUMAN)
        .order_by().values("segmentation__trace").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(steps), 0)


def trace_page(
    traces: QuerySet[Trace], *, sort: str = "newest", after: str | None = None, size: int = PAGE_SIZE
) -> TracePage:
    """One page of ``traces`` in ``sort`` order, starting after the cursor ``after``."""
    if sort not in SORTS:
        raise FilterError("sort", f"one of {', '.join(SORTS)}.")
    _, column, descending = SORTS[sort]
    if after:
        traces = traces.filter(_after(column, descending, after))
    order = ([f"-{column}"] if descending else [column]) if column else []
    order.append("-id" if descending else "id")
    rows = list(
        traces.order_by(*order)
        .only("id", "kind", "teacher_model", "length", "priority", "excluded", "archived_at",
              "import_job_id")
        .annotate(excerpt=Substr("problem", 1, EXCERPT))[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    cursor = _cursor(rows[-1], column) if more and rows else None
    return TracePage(rows, cursor, sort, page_extras([row.pk for row in rows]))


def _after(column: str | None, descending: bool, cursor: str) -> Q:
    value, id_ = _parse_cursor(cursor, with_value=column is not None)
    beyond = "lt" if descending else "gt"
    if column is None:
        return Q(**{f"id__{beyond}": id_})
    return Q(**{f"{column}__{beyond}": value}) | Q(**{column: value, f"id__{beyond}": id_})


def _parse_cursor(cursor: str, *, with_value: bool) -> tuple[int | None, int]:
    parts = cursor.split("_")
    # Nine digits at most: a forged cursor never overflows a database integer.
    if len(parts) != (2 if with_value else 1) or not all(
        re.fullmatch(r"-?[0-9]{1,9}", part) for part in parts
    ):
        raise FilterError("after", "not a cursor this page gave.")
    numbers = [int(part) for part in parts]
    return (numbers[0], numbers[1]) if with_value else (None, numbers[0])


def _cursor(row: Trace, column: str | None) -> str:
    return f"{getattr(row, column)}_{row.pk}" if column else str(row.pk)


def page_extras(trace_ids: list[int]) -> dict[int, dict]:
    """Per trace of a page: each field's state, its annotators, machine steps, flags, -1 ratings."""
    extras: dict[int, dict] = defaultdict(
        lambda: {"status": {}, "annotators": [], "steps": 0, "flagged": False, "negative": False}
    )
    # One statement: each segmentation with its own step counts, summed per trace below.
    segmentations = (
        Segmentation.objects.filter(trace_id__in=trace_ids)
        .values("id", "trace_id", "field", "origin", "status", "author__username")
        .annotate(
            step_count=Count("steps"),
            flagged_steps=Count("steps", filter=Q(steps__flagged=True)),
            negative_steps=Count("steps", filter=Q(steps__rating=-1)),
        )
        .order_by("id")
    )
    for seg in segmentations:
        entry = extras[seg["trace_id"]]
        entry["status"][seg["field"]] = _stronger(entry["status"].get(seg["field"]), seg)
        if seg["origin"] == Segmentation.Origin.HUMAN:
            if seg["author__username"]:
                entry["annotators"].append(seg["author__username"])
        else:
            entry["steps"] += seg["step_count"]
        entry["flagged"] = entry["flagged"] or seg["flagged_steps"] > 0
        entry["negative"] = entry["negative"] or seg["negative_steps"] > 0
    return dict(extras)


_RANK = {"auto": 1, "imported": 1, "draft": 2, "sent_back": 2, "submitted": 3, "approved": 4}


def _stronger(current: str | None, seg: dict) -> str:
    """The furthest state a field reached: approved > submitted > in progress > automatic."""
    state = seg["status"] if seg["origin"] == Segmentation.Origin.HUMAN else seg["origin"]
    if seg["status"] == Segmentation.Status.APPROVED:
        state = "approved"
    if current is None or _RANK.get(state, 0) > _RANK.get(current, 0):
        return state
    return current



"""A lead's decisions about many traces at once: chosen ones, or every trace a filter matches.

Each action is one UPDATE (or one segmentation run, or one insert of assignments), whatever the
number of traces, so "everything this filter matches" is as cheap as a page's selection.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from curation.models import Assignment, Membership, Project, Trace
from curation.services import segmentation
from curation.services.projects import require_active

ACTIONS = {
    "resegment": "Re-segment",
    "queue_first": "Queue first",
    "unqueue": "Back to normal priority",
    "exclude": "Exclude from datasets",
    "include": "Include in datasets",
    "assign": "Assign to an annotator",
    "archive": "Archive",
    "restore": "Restore from the archive",
}
QUEUE_FIRST = 1


class BulkError(ValueError):
    pass


@dataclass(frozen=True)
class BulkResult:
    action: str
    traces: int
    detail: str = ""


def chosen_traces(project: Project, user, *, scope: str, query: str, ids) -> QuerySet[Trace]:
    """The traces a lead chose in the browser: the ticked ``ids``, or (``scope == "all"``)
    every trace the filters in ``query`` (the list's query string) match."""
    from curation.services.traces.browse import matching_traces
    from curation.services.traces.filters import parse_filters

    if scope == "all":
        return matching_traces(project, user, parse_filters(QueryDict(query)))
    wanted = [int(i) for i in ids if str(i).isdigit()]
    return Trace.objects.filter(project=project, pk__in=wanted)


def bulk_action(
    project: Project, traces: QuerySet[Trace], action: str, *, annotator: str = ""
) -> BulkResult:
    """Apply ``action`` to ``traces`` (already narrowed to the project and the lead's choice)."""
    if action not in ACTIONS:
        raise BulkError(f"No such action {action!r}; choose from {', '.join(ACTIONS)}.")
    traces = traces.filter(project=project).order_by()
    if action == "resegment":
        return _resegment(project, traces)
    if action == "assign":
        return _assign(project, traces, annotator)
    now = timezone.now()
    changes = {
        "queue_first": {"priority": QUEUE_FIRST}, "unqueue": {"priority": 0},
        "exclude": {"excluded": True}, "include": {"excluded": False},
        "archive": {"archived_at": now}, "restore": {"archived_at": None},
    }[action]
    # An UPDATE over the filter itself: no list of ids travels, however many match.
    count = Trace.objects.filter(pk__in=traces.values("pk")).update(**changes)
    return BulkResult(action, count)


def _resegment(project: Project, traces: QuerySet[Trace]) -> BulkResult:
    require_active(project)
    ids = list(traces.order_by("id").values_list("id", flat=True))
    run = segmentation.start_segmentation_run(project, ids)
    return BulkResult("resegment", len(ids), f"segmentation run #{run.pk}")


def _assign(project: Project, traces: QuerySet[Trace], username: str) -> BulkResult:
    """Reserve the traces for one annotator: the queue hands them to them first (priority order).

    A trace they already hold an assignment for keeps it."""
    require_active(project)
    user = get_user_model().objects.filter(
        username=username,
        memberships__project=project,
        memberships__role__in=[Membership.Role.ANNOTATOR, Membership.Role.LEAD],
    ).first()
    if user is None:
        raise BulkError(f"{username or 'Nobody'} is not an annotator of this project.")
    ids = list(traces.exclude(assignments__annotator=user).values_list("id", flat=True))
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(project=project, trace_id=trace_id, annotator=user,
                        status=Assignment.Status.RESERVED) for trace_id in ids],
            batch_size=2000,
            ignore_conflicts=True,
        )
    return BulkResult("assign", len(ids), f"reserved for {user.get_username()}")

"""The trace read's hot path: rows as tuples, the body written by orjson.

A 50,000-character trace carries about 800 steps. Built through DRF serializers over prefetched
model instances, a read cost about 20 ms of CPU and left thousands of objects in reference
cycles (each step points at its segmentation through the prefetch cache, and back), which the
collector then had to sweep in full every few requests. Here every row comes as a tuple
(``values_list``), the body is plain dicts and lists written by orjson, and nothing survives
the request in a cycle. The shape is exactly ``TraceSerializer``'s, which still documents it
in the OpenAPI schema (tests/api compare the two).

A trace's text never changes once imported and its steps change only with a revision of
their segmentation, so ``etag_rows`` (one small query) is enough to answer ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import orjson

from curation.models import Segmentation, Step, Trace

TRACE_FIELDS = (
    "id",
    "kind",
    "problem",
    "reasoning",
    "response",
    "answer",
    "teacher_model",
    "source",
    "content_hash",
    "import_job",
    "created_at",
)
SEGMENTATION_FIELDS = (
    "id",
    "field",
    "origin",
    "author",
    "strategy",
    "status",
    "revision",
    "updated_at",
)
STEP_FIELDS = ("index", "start", "end", "type", "rating", "note", "flagged")
# What identifies a state of the trace's steps: a re-segmentation makes a new row (new id), an
# edit or a submission takes a new revision; status and author in case a later path changes
# them alone (a review, a deleted account).
ETAG_COLUMNS = (
    "segmentations__id",
    "segmentations__revision",
    "segmentations__status",
    "segmentations__author_id",
)
# DRF writes datetimes as ISO 8601 with "Z" for UTC; orjson's OPT_UTC_Z writes the same.
OPTIONS = orjson.OPT_UTC_Z


def etag_rows(trace_query) -> list[tuple]:
    """One row per segmentation of the trace (one all-None row when it has none; none at all
    when the query matches no trace): the state its ETag is made of."""
    return list(trace_query.order_by("segmentations__id").values_list(*ETAG_COLUMNS))


def etag(trace_id: int, rows: Sequence[tuple]) -> str:
    digest = hashlib.blake2b(repr((trace_id, tuple(rows))).encode(), digest_size=12)
    return f'"t{trace_id}-{digest.hexdigest()}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """``If-None-Match`` compared weakly (RFC 9110 13.1.2): a proxy may have added ``W/``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(
        candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(",")
    )


def trace_bodies(trace_ids: Sequence[int]) -> list[dict]:
    """The traces, in the order given, each with its segmentations and their steps."""
    traces = {
        row[0]: dict(zip(TRACE_FIELDS, row))
        for row in Trace.objects.filter(pk__in=trace_ids).values_list(
            *TRACE_FIELDS[:-2], "import_job_id", "created_at"
        )
    }
    for trace in traces.values():
        trace["segmentations"] = []
    segmentations = {}
    for row in (
        Segmentation.objects.filter(trace_id__in=traces)
        .order_by("id")
        .values_list("trace_id", *SEGMENTATION_FIELDS[:3], "author__username", *SEGMENTATION_FIELDS[4:])
    ):
        body = dict(zip(SEGMENTATION_FIELDS, row[1:]))
        body["steps"] = []
        segmentations[body["id"]] = body
        traces[row[0]]["segmentations"].append(body)
    _attach_steps(segmentations)
    return [traces[pk] for pk in trace_ids if pk in traces]


def _attach_steps(segmentations: dict[int, dict]) -> None:
    if not segmentations:
        return
    rows: Iterable[tuple] = (
        Step.objects.filter(segmentation_id__in=segmentations)
        .order_by("segmentation_id", "index")
        .values_list("segmentation_id", *STEP_FIELDS)
    )
    keys = STEP_FIELDS
    current, steps = None, None
    for row in rows:
        if row[0] != current:
            current, steps = row[0], segmentations[row[0]]["steps"]
        steps.append(dict(zip(keys, row[1:])))


def dumps(payload) -> bytes:
    return orjson.dumps(payload, option=OPTIONS)

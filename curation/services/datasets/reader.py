"""Chosen segmentations out of the database as ``ExportTrace``s, streamed in trace-id order.

Rows come through ``.iterator(chunk_size=...)``: a server-side cursor on PostgreSQL (inside the
build's transaction, so without ``WITH HOLD`` and its server-side copy of the whole result), a
cursor read in batches on SQLite. For each chunk of traces, one more query reads all their
steps, so memory holds one chunk and the query count is two per chunk, never one per trace.
Provenance (who approved, the annotators' stored agreement, read by correlated subqueries on the
unique (trace, field) index) is passed to the export core as plain values.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import FloatField, JSONField, OuterRef, QuerySet, Subquery

from curation.export import ExportTrace
from curation.models import Segmentation, Step, TraceAgreement

# Traces per fetch: ~200 x 30 kB of text is a few MB, and the step query stays one IN list.
CHUNK_SIZE = 200

_COLUMNS = (
    "pk", "field", "revision", "origin", "strategy", "author__username",
    "trace_id", "trace__kind", "trace__problem", "trace__reasoning", "trace__response",
    "trace__answer", "trace__teacher_model", "trace__source", "status", "reviewed_by__username",
    "agreement_f1", "agreement_figures",
)
_STEP_COLUMNS = ("segmentation_id", "start", "end", "type", "rating", "note")


def export_traces(
    chosen: QuerySet[Segmentation], *, chunk_size: int = CHUNK_SIZE, limit: int | None = None
) -> Iterator[ExportTrace]:
    """Every chosen segmentation (or the first ``limit``) with its trace and steps, ordered
    by trace id, so the same selection always gives the same rows in the same order."""
    stored = TraceAgreement.objects.filter(trace_id=OuterRef("trace_id"), field=OuterRef("field"))
    ordered = chosen.annotate(
        agreement_f1=Subquery(stored.values("boundary_f1")[:1], output_field=FloatField()),
        agreement_figures=Subquery(stored.values("figures")[:1], output_field=JSONField()),
    ).order_by("trace_id").values_list(*_COLUMNS)
    if limit is not None:
        ordered = ordered[:limit]
    rows = ordered.iterator(chunk_size=chunk_size)
    for chunk in _chunks(rows, chunk_size):
        steps = _steps_of([row[0] for row in chunk])
        for row in chunk:
            yield _export_trace(row, steps.get(row[0], []))


def author_label(origin: str, strategy: str, username: str | None) -> str:
    """Who cut the trace, as versions record it: a username, the importer, or the segmenter."""
    if origin == Segmentation.Origin.AUTO:
        return f"auto:{strategy}" if strategy else "auto"
    if origin == Segmentation.Origin.IMPORTED:
        return "imported"
    return username or "unknown"


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _steps_of(segmentation_ids: list[int]) -> dict[int, list[tuple]]:
    steps: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        Step.objects.filter(segmentation_id__in=segmentation_ids)
        .order_by("segmentation_id", "index")
        .values_list(*_STEP_COLUMNS)
    )
    for segmentation_id, *step in rows:
        steps[segmentation_id].append(tuple(step))
    return steps


def _export_trace(row: tuple, steps: list[tuple]) -> ExportTrace:
    (segmentation_id, field, revision, origin, strategy, username,
     trace_id, kind, problem, reasoning, response, answer, teacher_model, source,
     status, reviewer, f1, figures) = row
    return ExportTrace(
        trace_id=trace_id,
        problem=problem,
        reasoning=reasoning,
        response=response,
        answer=answer,
        teacher_model=teacher_model,
        source=source or {},
        kind=kind,
        steps_field=field,
        segmentation_id=segmentation_id,
        revision=revision,
        author=author_label(origin, strategy, username),
        steps=steps,
        status=status,
        reviewer=reviewer or "",
        agreement=f1,
        agreement_counts=figures,
    )

"""Chosen segmentations out of the database as ``ExportTrace``s, streamed in trace-id order.

Rows come through ``.iterator(chunk_size=...)``: a server-side cursor on PostgreSQL (inside the
build's transaction, so without ``WITH HOLD`` and its server-side copy of the whole result), a
cursor read in batches on SQLite. For each chunk of traces, one more query reads all their
steps (and, when the build lets model labels in, one more their proposals), so memory holds
one chunk and the query count is constant per chunk, never one per trace.

Each step carries who gave its labels (the ``steps`` format's ``source``). Under
``labels="human"`` a label a model gave that no person verified is dropped, and proposals are
never read: nothing a model proposed reaches such a build without a person.

Provenance (who approved, the annotators' stored agreement, read by correlated subqueries on the
unique (trace, field) index) is passed to the export core as plain values.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import FloatField, JSONField, OuterRef, QuerySet, Subquery

from curation.export import ExportTrace
from curation.models import (
    REWRITE_FIELD, LabelSource, Segmentation, Step, StepProposal, TraceAgreement,
)

# Traces per fetch: ~200 x 30 kB of text is a few MB, and the step query stays one IN list.
CHUNK_SIZE = 200

_COLUMNS = (
    "pk", "field", "revision", "origin", "strategy", "author__username",
    "trace_id", "trace__kind", "trace__problem", "trace__reasoning", "trace__response",
    "trace__answer", "trace__teacher_model", "trace__source",
    "rewrite_id", "rewrite__text", "rewrite__model", "rewrite__prompt_version",
    "status", "reviewed_by__username", "agreement_f1", "agreement_figures",
)
_STEP_COLUMNS = ("segmentation_id", "start", "end", "type", "rating", "note", "label_source",
                 "verified_by_id")
MODEL_SOURCES = (LabelSource.MODEL, LabelSource.ROLLOUTS, LabelSource.CONSENSUS)
# Which proposals may label an unlabelled step, per build choice (spec.LABEL_SOURCES).
PROPOSAL_SOURCES = {"human": (), "consensus": (LabelSource.CONSENSUS,), "any": MODEL_SOURCES}
# Who labelled a step that does not say: the author of its segmentation.
_BY_ORIGIN = {
    Segmentation.Origin.HUMAN: LabelSource.PERSON, Segmentation.Origin.IMPORTED: LabelSource.IMPORTED,
    Segmentation.Origin.AUTO: LabelSource.RULE, Segmentation.Origin.MODEL: LabelSource.MODEL,
}


def export_traces(
    chosen: QuerySet[Segmentation], *, chunk_size: int = CHUNK_SIZE, limit: int | None = None,
    labels: str = "human",
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
        proposals = _proposals_for(chunk, PROPOSAL_SOURCES[labels])
        for row in chunk:
            yield _export_trace(row, steps.get(row[0], []), proposals)


def author_label(origin: str, strategy: str, username: str | None) -> str:
    """Who cut the trace, as versions record it: a username, the importer, or the segmenter."""
    if origin == Segmentation.Origin.AUTO:
        return f"auto:{strategy}" if strategy else "auto"
    if origin == Segmentation.Origin.IMPORTED:
        return "imported"
    if origin == Segmentation.Origin.MODEL:
        return f"model:{strategy}" if strategy else "model"
    return username or "unknown"


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _steps_of(segmentation_ids: list[int]) -> dict[int, list[tuple]]:
    steps: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        Step.objects.filter(segmentation_id__in=segmentation_ids)
        .order_by("segmentation_id", "position")
        .values_list(*_STEP_COLUMNS)
    )
    for segmentation_id, *step in rows:
        steps[segmentation_id].append(tuple(step))
    return steps


def _proposals_for(chunk: list[tuple], sources: tuple[str, ...]) -> dict[tuple, tuple[str, str]]:
    """(trace, field, rewrite, start, end) -> (rating, source) of the best proposal not rejected:
    consensus first, then the most confident."""
    if not sources:
        return {}
    rows = (
        StepProposal.objects.filter(
            segmentation__trace_id__in=[row[6] for row in chunk], source__in=sources,
            kind=StepProposal.Kind.RATING,
        )
        .exclude(status=StepProposal.Status.REJECTED)
        .values_list("segmentation__trace_id", "segmentation__field", "segmentation__rewrite_id",
                     "start", "end", "value", "source", "confidence")
    )
    best: dict[tuple, tuple] = {}
    for trace_id, field, rewrite_id, start, end, value, source, confidence in rows:
        key, rank = (trace_id, field, rewrite_id, start, end), (source == LabelSource.CONSENSUS, confidence or 0)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, value, source)
    return {key: (value, source) for key, (_, value, source) in best.items()}


def _labelled(row: tuple, step: tuple, proposals: dict) -> tuple:
    """``(start, end, type, rating, note, title, source)`` for the export core."""
    origin, trace_id, field, rewrite_id = row[3], row[6], row[1], row[14]
    start, end, type_, rating, note, label_source, verified_by = step
    if label_source in MODEL_SOURCES and verified_by is None:
        type_, rating, label_source = "", None, ""  # a model's label no person verified
    source = (label_source or _BY_ORIGIN.get(origin, "")) if (type_ or rating is not None) else ""
    if rating is None:
        proposed = proposals.get((trace_id, field, rewrite_id, start, end))
        if proposed is not None:
            rating, source = int(proposed[0]), proposed[1]
    return (start, end, type_, rating, note, None, source)


def _export_trace(row: tuple, steps: list[tuple], proposals: dict) -> ExportTrace:
    (segmentation_id, field, revision, origin, strategy, username,
     trace_id, kind, problem, reasoning, response, answer, teacher_model, source,
     rewrite_id, rewrite_text, rewrite_model, rewrite_prompt,
     status, reviewer, f1, figures) = row
    source = source or {}
    if field == REWRITE_FIELD:
        # A rewrite's steps point into the rewrite: it stands in for the response in the files,
        # and the source says so (the database keeps both, the original untouched).
        response, field = rewrite_text, "response"
        source = {**source, "stepwise_rewrite": {"model": rewrite_model, "prompt_version": rewrite_prompt}}
    return ExportTrace(
        trace_id=trace_id,
        problem=problem,
        reasoning=reasoning,
        response=response,
        answer=answer,
        teacher_model=teacher_model,
        source=source,
        kind=kind,
        steps_field=field,
        segmentation_id=segmentation_id,
        revision=revision,
        author=author_label(origin, strategy, username),
        steps=[_labelled(row, step, proposals) for step in steps],
        status=status,
        reviewer=reviewer or "",
        agreement=f1,
        agreement_counts=figures,
    )

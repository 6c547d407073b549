"""Running the auto-segmenter over traces: choose a strategy, cut, type, save the auto segmentation.

The cutting itself is ``curation.segment`` (pure). This module only decides which field and
strategy a trace gets, and replaces the trace's *automatic* segmentation: a segmentation a person
made (or that came with the source) is never touched.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from curation.models import ImportJob, Project, Segmentation, SegmentationRun, Step, Trace
from curation.services.enqueue import enqueue_on_commit

CHUNK_SIZE = 200


@dataclass(frozen=True)
class Plan:
    """What to cut in one trace, and how."""

    field: str
    strategy: str
    params: dict


def plan_for(trace: Trace, strategy: str = "auto", params: dict | None = None) -> Plan | None:
    """The field and strategy for a trace; None when it has no text to cut.

    ``auto`` follows the data: agent transcripts are cut per action, a final solution the SRL way
    (the paper's setting), and a trace that only has reasoning by discourse moves.
    """
    params = params or {}
    if trace.kind == Trace.Kind.AGENT:
        return Plan("response", "actions", params) if trace.response.strip() else None
    if strategy == "auto":
        if trace.response.strip():
            return Plan("response", "solution", params)
        return Plan("reasoning", "discourse", params) if trace.reasoning.strip() else None
    field = "reasoning" if strategy == "discourse" and trace.reasoning.strip() else "response"
    if not getattr(trace, field).strip():
        field = "reasoning" if field == "response" else "response"
    return Plan(field, strategy, params) if getattr(trace, field).strip() else None


def create_run(
    project: Project,
    trace_ids: Sequence[int] | None = None,
    *,
    strategy: str | None = None,
    params: dict | None = None,
    import_job: ImportJob | None = None,
) -> tuple[SegmentationRun, list[list[int]]]:
    """Create a run over the given traces (default: all of the project's) and its chunks.

    Only creates the row: ``start_segmentation_run`` queues it, ``segment_in_process`` runs it.
    """
    config = project.segmentation or {}
    if trace_ids is None:
        trace_ids = list(project.traces.order_by("id").values_list("id", flat=True))
    run = SegmentationRun.objects.create(
        project=project,
        import_job=import_job,
        strategy=strategy or config.get("strategy", "auto"),
        params=params if params is not None else config.get("params", {}),
        traces_total=len(trace_ids),
        status=SegmentationRun.Status.RUNNING if trace_ids else SegmentationRun.Status.DONE,
        finished_at=None if trace_ids else timezone.now(),
    )
    chunks = [list(trace_ids[i : i + CHUNK_SIZE]) for i in range(0, len(trace_ids), CHUNK_SIZE)]
    return run, chunks


def start_segmentation_run(
    project: Project,
    trace_ids: Sequence[int] | None = None,
    *,
    strategy: str | None = None,
    params: dict | None = None,
    import_job: ImportJob | None = None,
) -> SegmentationRun:
    """Start the auto-segmenter over the traces: one task per chunk, enqueued on commit.

    The one way a view, the API, a command or a task starts a run on the workers.
    """
    from curation import tasks  # tasks import the services; only entry points import tasks

    run, chunks = create_run(
        project, trace_ids, strategy=strategy, params=params, import_job=import_job
    )
    for chunk in chunks:
        enqueue_on_commit(tasks.segment_chunk, run.pk, chunk)
    return run


def segment_in_process(
    project: Project,
    trace_ids: Sequence[int] | None = None,
    *,
    import_job: ImportJob | None = None,
    on_progress: Callable[[SegmentationRun], None] | None = None,
    **run_options,
) -> SegmentationRun:
    """Run a whole segmentation here and now (the CLI's way; workers take chunks instead)."""
    run, chunks = create_run(project, trace_ids, import_job=import_job, **run_options)
    for chunk in chunks:
        segment_chunk(run, chunk)
        if on_progress:
            on_progress(run)
    return run


def segment_chunk(run: SegmentationRun, trace_ids: Iterable[int]) -> int:
    """Cut one chunk of traces, save their auto segmentations, advance the run. Returns steps."""
    from curation.segment import load_tokenizer  # spaCy and transformers load only in workers

    tokenizer = load_tokenizer(_tokenizer_setting())
    traces = list(Trace.objects.filter(pk__in=list(trace_ids), project_id=run.project_id))
    human = _traces_cut_by_people(traces)
    planned = [(t, _learned_or(plan_for(t, run.strategy, run.params), run)) for t in traces if t.pk not in human]
    cut = [(t, plan, _cut(t, plan, run.project.label_schema, tokenizer)) for t, plan in planned if plan]
    with transaction.atomic():
        Segmentation.objects.filter(trace__in=[t for t, _, _ in cut], origin=Segmentation.Origin.AUTO).delete()
        steps = _save(cut)
    imported = _traces_cut_by_source(traces)
    _advance(run, done=len(traces), steps=steps, skipped=len(human), imported=len(imported))
    return steps


def _learned_or(plan: Plan | None, run: SegmentationRun) -> Plan | None:
    """An ``auto`` run cuts a field with the project's learned model where the lead chose one."""
    if plan is None or run.strategy != "auto":
        return plan
    from curation.services.learning import strategy_for

    chosen = strategy_for(run.project, plan.field)
    return plan if chosen is None else Plan(plan.field, *chosen)


def _tokenizer_setting() -> str | None:
    from django.conf import settings

    return settings.STEPWISE_TOKENIZER or None


def _traces_cut_by_people(traces: list[Trace]) -> set[int]:
    """Traces with a human or imported segmentation: the segmenter leaves those to the people."""
    return set(
        Segmentation.objects.filter(trace__in=traces)
        .exclude(origin=Segmentation.Origin.AUTO)
        .values_list("trace_id", flat=True)
    )


def _traces_cut_by_source(traces: list[Trace]) -> set[int]:
    """Traces whose steps came with the source: cut, but by no person of the project."""
    return set(
        Segmentation.objects.filter(trace__in=traces, origin=Segmentation.Origin.IMPORTED)
        .exclude(trace__segmentations__origin=Segmentation.Origin.HUMAN)
        .values_list("trace_id", flat=True)
    )


def _cut(trace: Trace, plan: Plan, schema: list[dict], tokenizer) -> list:
    from curation.segment import segment_text, tag_steps

    text = getattr(trace, plan.field)
    steps = segment_text(text, plan.strategy, plan.params, tokenizer=tokenizer)
    tag_steps(text, steps, schema)
    return steps


def _save(cut: list) -> int:
    segmentations = Segmentation.objects.bulk_create(
        [
            Segmentation(
                trace=trace,
                field=plan.field,
                origin=Segmentation.Origin.AUTO,
                strategy=plan.strategy,
                status=Segmentation.Status.SUBMITTED,
            )
            for trace, plan, _ in cut
        ]
    )
    rows = [
        Step(
            segmentation=segmentation,
            index=index,
            start=step.start,
            end=step.end,
            type=step.type or "",
            token_count=step.token_count,
        )
        for segmentation, (_, _, steps) in zip(segmentations, cut)
        for index, step in enumerate(steps)
    ]
    Step.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _advance(
    run: SegmentationRun, *, done: int, steps: int, skipped: int, imported: int = 0
) -> None:
    """Count a finished chunk; the chunk that completes the run marks it done."""
    SegmentationRun.objects.filter(pk=run.pk).update(
        traces_done=F("traces_done") + done,
        steps_created=F("steps_created") + steps,
        skipped_human=F("skipped_human") + skipped,
        kept_imported=F("kept_imported") + imported,
    )
    SegmentationRun.objects.filter(
        pk=run.pk, traces_done__gte=F("traces_total"), status=SegmentationRun.Status.RUNNING
    ).update(status=SegmentationRun.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()


def fail_run(run: SegmentationRun, message: str) -> None:
    SegmentationRun.objects.filter(pk=run.pk).update(
        status=SegmentationRun.Status.FAILED, message=message, finished_at=timezone.now()
    )

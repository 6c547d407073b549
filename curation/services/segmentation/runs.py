"""Running the auto-segmenter over traces: every non-empty field cut, typed, saved.

The cutting itself is ``curation.segment`` (pure); what each field gets is the project's
configuration (``config``). This module replaces a trace field's *automatic* segmentation: a
field a person cut (or that came cut with the source) is never touched, the trace's other
fields still are.

A run is split into chunks of about ``STEPWISE_SEGMENT_CHUNK_CHARS`` characters of text (not a
number of traces: one 75k-character trace costs as much as fifty short ones), so chunks take the
same time and a worker's memory stays flat whatever the corpus. Steps go in with COPY on
PostgreSQL (``bulkcopy``), as imported traces do.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from curation.models import ImportJob, Project, Segmentation, SegmentationRun, Step, Trace
from curation.services.bulkcopy import copy_rows
from curation.services.enqueue import enqueue_on_commit
from curation.services.segmentation.config import Plan, check_config, override, plans_for

STEP_COLUMNS = ("segmentation", "position", "start", "end", "type", "rating", "note", "token_count",
                "flagged")


def plan_for(trace: Trace, strategy: str = "auto", params: dict | None = None) -> Plan | None:
    """The field an annotator starts on (the final solution when there is one) and its plan;
    None when the trace has no text. Runs cut every field (``config.plans_for``)."""
    plans = plans_for(trace, override({}, strategy, params, None))
    by_field = {plan.field: plan for plan in plans}
    return by_field.get("response") or by_field.get("reasoning")


def run_config(
    project: Project,
    *,
    strategy: str | None = None,
    params: dict | None = None,
    fields: Sequence[str] | None = None,
) -> dict:
    """The checked configuration a run uses: the project's, or a strategy given for this run,
    on some fields only. ``ValueError`` with the segmenter's message when it is not valid."""
    if strategy is None and params:
        raise ValueError("parameters need a strategy (--strategy)")
    return override(project.segmentation, strategy or "auto", params, list(fields or ()) or None)


def create_run(
    project: Project,
    trace_ids: Sequence[int] | QuerySet[Trace] | None = None,
    *,
    strategy: str | None = None,
    params: dict | None = None,
    fields: Sequence[str] | None = None,
    import_job: ImportJob | None = None,
) -> tuple[SegmentationRun, list[list[int]]]:
    """Create a run over the given traces (ids or a queryset; default: all of the project's)
    and its chunks. Settings that do not check out make a failed run that says why.

    Only creates the row: ``start_segmentation_run`` queues it, ``segment_in_process`` runs it.
    """
    try:
        config, problem = run_config(project, strategy=strategy, params=params, fields=fields), ""
    except ValueError as error:
        config, problem = {}, f"Invalid segmentation settings: {error}"
    traces = _traces(project, trace_ids)
    chunks = [] if problem else list(chunk_ids(traces, settings.STEPWISE_SEGMENT_CHUNK_CHARS))
    total = sum(map(len, chunks))
    finished = bool(problem) or not total
    run = SegmentationRun.objects.create(
        project=project,
        import_job=import_job,
        strategy=strategy or "auto",
        params=config,
        traces_total=total,
        status=_initial_status(problem, total),
        message=problem,
        finished_at=timezone.now() if finished else None,
    )
    return run, chunks


def _initial_status(problem: str, total: int) -> str:
    if problem:
        return SegmentationRun.Status.FAILED
    return SegmentationRun.Status.RUNNING if total else SegmentationRun.Status.DONE


def _traces(project: Project, trace_ids) -> QuerySet[Trace]:
    if trace_ids is None:
        return project.traces.all()
    if isinstance(trace_ids, QuerySet):
        return trace_ids.filter(project=project)
    return project.traces.filter(pk__in=list(trace_ids))


def add_to_import_run(
    job: ImportJob, traces: Sequence[Trace]
) -> Callable[[], None] | None:
    """Segment an import's batch of new traces while the import goes on: call it in the
    transaction that inserts them, and call what it returns once they are committed.

    The import's run (made by its first batch, with the project's settings) counts them with
    the batch; their chunks then go to the segmentation workers, so a second worker cuts while
    the first imports. The run is done only once its import has finished too
    (``close_import_run``); a run that failed takes no more traces. A worker that dies between
    the commit and the sending leaves counted traces uncut: the reaper sends them again.
    """
    from curation import tasks  # tasks import the services; only entry points import tasks

    if not traces:
        return None
    run = job.segmentation_runs.order_by("created_at", "id").first()
    if run is None:
        try:
            config, problem = run_config(job.project), ""
        except ValueError as error:
            config, problem = {}, f"Invalid segmentation settings: {error}"
        run = SegmentationRun.objects.create(
            project=job.project, import_job=job, strategy="auto", params=config,
            status=SegmentationRun.Status.FAILED if problem else SegmentationRun.Status.RUNNING,
            message=problem, finished_at=timezone.now() if problem else None,
            heartbeat_at=timezone.now(),
        )
    if run.status != SegmentationRun.Status.RUNNING:
        return None
    SegmentationRun.objects.filter(pk=run.pk).update(
        traces_total=F("traces_total") + len(traces), heartbeat_at=timezone.now()
    )
    sized = [(t.pk, len(t.reasoning) + len(t.response)) for t in traces]
    chunks = list(_chunks(sized, settings.STEPWISE_SEGMENT_CHUNK_CHARS))

    def send() -> None:
        for chunk in chunks:
            enqueue_on_commit(tasks.segment_chunk, run.pk, chunk)

    return send


def close_import_run(job: ImportJob) -> SegmentationRun | None:
    """The import has finished (done or failed, its saved traces kept): its run is done as soon
    as the traces it counted are cut, maybe now. Safe to call again."""
    run = job.segmentation_runs.order_by("created_at", "id").first()
    if run is not None:
        _complete_if_done(run)
        run.refresh_from_db()
    return run


def chunk_ids(traces: QuerySet[Trace], max_chars: int) -> Iterator[list[int]]:
    """Trace ids in order, in runs of about ``max_chars`` characters of reasoning and response
    (a trace longer than that is a chunk of its own). Reads lengths, never texts."""
    sized = (
        traces.order_by("id")
        .annotate(size=Length("reasoning") + Length("response"))
        .values_list("id", "size")
    )
    return _chunks(sized.iterator(chunk_size=10_000), max_chars)


def _chunks(sized: Iterable[tuple[int, int]], max_chars: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    chars = 0
    for trace_id, size in sized:
        if chunk and chars + size > max_chars:
            yield chunk
            chunk, chars = [], 0
        chunk.append(trace_id)
        chars += size
    if chunk:
        yield chunk


def start_segmentation_run(
    project: Project,
    trace_ids: Sequence[int] | QuerySet[Trace] | None = None,
    **options,
) -> SegmentationRun:
    """Start the auto-segmenter over the traces: one task per chunk, enqueued on commit.

    The one way a view, the API, a command or a task starts a run on the workers. ``options``:
    ``strategy``, ``params``, ``fields``, ``import_job`` (see ``create_run``).
    """
    from curation import tasks  # tasks import the services; only entry points import tasks

    run, chunks = create_run(project, trace_ids, **options)
    for chunk in chunks:
        enqueue_on_commit(tasks.segment_chunk, run.pk, chunk)
    return run


def segment_in_process(
    project: Project,
    trace_ids: Sequence[int] | QuerySet[Trace] | None = None,
    *,
    on_progress: Callable[[SegmentationRun], None] | None = None,
    **options,
) -> SegmentationRun:
    """Run a whole segmentation here and now (the CLI's way; workers take chunks instead).
    A chunk that fails fails the run, with the error as its message, as on the workers."""
    run, chunks = create_run(project, trace_ids, **options)
    for chunk in chunks:
        try:
            segment_chunk(run, chunk)
        except Exception as exc:  # report like a worker would; the command says it failed
            fail_run(run, f"{type(exc).__name__}: {exc}")
            run.refresh_from_db()
            break
        if on_progress:
            on_progress(run)
    return run


def segment_chunk(run: SegmentationRun, trace_ids: Iterable[int]) -> int:
    """Cut one chunk of traces, save their auto segmentations, advance the run. Returns steps.

    Safe to run twice (a redelivered chunk, a reaper's requeue): traces this run already cut
    are left alone, and the chunk's segmentations and its count commit together.
    """
    from curation.segment import load_tokenizer  # spaCy and transformers load only here

    tokenizer = load_tokenizer(settings.STEPWISE_TOKENIZER or None)
    config = check_config(run.params if "fields" in (run.params or {}) else _legacy(run))
    done = _cut_by_this_run(run, trace_ids)
    traces = list(
        Trace.objects.filter(pk__in=list(trace_ids), project_id=run.project_id)
        .exclude(pk__in=done)
        .only("id", "kind", "reasoning", "response")
    )
    people = _segmentations_by_people(traces)
    cut_by_people = {(trace_id, field) for trace_id, field, _ in people}
    learned: dict[str, Plan] = {}  # per field: the project's choice is looked up once a chunk
    planned = [(t, _learned_or(plan, run, learned)) for t in traces for plan in plans_for(t, config)]
    kept = [(t, plan) for t, plan in planned if (t.pk, plan.field) not in cut_by_people]
    schema = run.project.label_schema
    cut = _cut_all(kept, schema, tokenizer)
    with transaction.atomic():
        _delete_replaced(cut)
        steps = _save(cut)
        skipped = len({t.pk for t, plan in planned if (t.pk, plan.field) in cut_by_people})
        imported = _traces_cut_by_source(people)
        _advance(run, done=len(traces), steps=steps, skipped=skipped, imported=len(imported))
    run.refresh_from_db()
    return steps


def _legacy(run: SegmentationRun) -> dict:
    """A run queued before fields existed: its single strategy and parameters."""
    return {"strategy": run.strategy, "params": run.params or {}}


def _learned_or(plan: Plan, run: SegmentationRun, chosen: dict | None = None) -> Plan:
    """An ``auto`` run cuts a field with the project's learned model where the lead chose one
    (``chosen``: what was looked up already, by field)."""
    if run.strategy != "auto":
        return plan
    from curation.services.learning import strategy_for

    chosen = {} if chosen is None else chosen
    if plan.field not in chosen:
        chosen[plan.field] = strategy_for(run.project, plan.field)
    model = chosen[plan.field]
    return plan if model is None else Plan(plan.field, *model)


def _cut_by_this_run(run: SegmentationRun, trace_ids: Iterable[int]) -> set[int]:
    """Traces among ``trace_ids`` that already have an automatic segmentation from this run
    (a chunk's segmentations of every field commit together, so one is enough)."""
    return set(
        Segmentation.objects.filter(
            trace_id__in=list(trace_ids), origin=Segmentation.Origin.AUTO,
            created_at__gte=run.created_at,
        ).values_list("trace_id", flat=True)
    )


def requeue_run(run: SegmentationRun, *, stale_before) -> bool:
    """Queue again the traces of a run whose worker died that it has not cut yet (the
    reaper's way); False when the run moved on meanwhile."""
    from curation import tasks  # tasks import the services; only entry points import tasks

    remaining = _remaining(run)
    # One conditional UPDATE: two reapers cannot both requeue the same run.
    moved = SegmentationRun.objects.filter(
        pk=run.pk, status=SegmentationRun.Status.RUNNING, attempts=run.attempts
    ).update(
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now(),
        traces_done=max(0, run.traces_total - remaining.count()),
    )
    if not moved:
        return False
    chunks = list(chunk_ids(remaining, settings.STEPWISE_SEGMENT_CHUNK_CHARS))
    if not chunks:
        _advance(run, done=0, steps=0, skipped=0)
    for chunk in chunks:
        enqueue_on_commit(tasks.segment_chunk, run.pk, chunk)
    return True


def _remaining(run: SegmentationRun) -> QuerySet[Trace]:
    """The run's traces (its import's, else the project's) it has not cut yet. A trace whose
    every field a person cut has no automatic segmentation and goes out again: its chunk skips
    it once more (counted in ``skipped_human`` a second time; a count, not the data)."""
    scope = run.import_job.traces if run.import_job_id else run.project.traces
    cut = Segmentation.objects.filter(
        origin=Segmentation.Origin.AUTO, created_at__gte=run.created_at
    ).values("trace_id")
    return scope.exclude(pk__in=cut)


def _segmentations_by_people(traces: list[Trace]) -> list[tuple[int, str, str]]:
    """(trace, field, origin) of the human and imported segmentations of ``traces``: their
    fields are left to the people (a model's proposals are not a person's cut)."""
    people = (Segmentation.Origin.HUMAN, Segmentation.Origin.IMPORTED)
    return list(
        Segmentation.objects.filter(trace_id__in=[t.pk for t in traces], origin__in=people)
        .values_list("trace_id", "field", "origin")
    )


def _traces_cut_by_source(people: list[tuple[int, str, str]]) -> set[int]:
    """Traces whose steps came with the source: cut, but by no person of the project (read
    from ``_segmentations_by_people``, rather than asked again)."""
    origins = Segmentation.Origin
    by_source = {trace_id for trace_id, _, origin in people if origin == origins.IMPORTED}
    by_person = {trace_id for trace_id, _, origin in people if origin == origins.HUMAN}
    return by_source - by_person


def _cut_all(kept: list[tuple[Trace, Plan]], schema: list[dict], tokenizer) -> list:
    """``(trace, plan, steps)`` for each of ``kept``, in order. The fields that share a
    strategy and parameters are cut together (``segment_texts``: a learned model predicts
    once a chunk, not once a trace)."""
    from curation.segment import segment_texts, tag_steps

    groups: list[tuple[Plan, list[int]]] = []  # a plan and the indexes of kept that share it
    for index, (_, plan) in enumerate(kept):
        same = next((g for g in groups if _same_cut(g[0], plan)), None)
        if same is None:
            groups.append((plan, [index]))
        else:
            same[1].append(index)
    steps: list = [None] * len(kept)
    for plan, indexes in groups:
        texts = [getattr(kept[i][0], kept[i][1].field) for i in indexes]
        for i, text, found in zip(indexes, texts, segment_texts(
            texts, plan.strategy, plan.params, tokenizer=tokenizer
        )):
            tag_steps(text, found, schema)
            steps[i] = found
    return [(t, plan, found) for (t, plan), found in zip(kept, steps)]


def _same_cut(a: Plan, b: Plan) -> bool:
    """Whether two plans cut alike (a model in the parameters compares by identity)."""
    return a.strategy == b.strategy and a.params == b.params


def _delete_replaced(cut: list) -> None:
    """The automatic segmentations the new ones replace (same trace, same field)."""
    by_field: dict[str, list[int]] = {}
    for trace, plan, _ in cut:
        by_field.setdefault(plan.field, []).append(trace.pk)
    if not by_field:
        return
    # One query for every field: each is a query (and a collector) of its own in Django.
    same_field = reduce(or_, (Q(trace_id__in=ids, field=field) for field, ids in by_field.items()))
    Segmentation.objects.filter(same_field, origin=Segmentation.Origin.AUTO).delete()


def _save(cut: list) -> int:
    # Reasoning first: where a trace has both, the solution's segmentation is the newer one,
    # the one dataset builds and annotators' drafts took before reasoning was cut too.
    cut = sorted(cut, key=lambda item: (item[1].field != "reasoning", item[0].pk))
    made = Segmentation.objects.bulk_create(
        [_new_segmentation(trace.pk, plan) for trace, plan, _ in cut]
    )
    ids = [segmentation.pk for segmentation in made]
    rows = (
        (segmentation_id, index, step.start, step.end, step.type or "", None, "",
         step.token_count, False)
        for segmentation_id, (_, _, steps) in zip(ids, cut)
        for index, step in enumerate(steps)
    )
    return copy_rows(Step, STEP_COLUMNS, rows)


def _new_segmentation(trace_id: int, plan: Plan) -> Segmentation:
    return Segmentation(
        trace_id=trace_id,
        field=plan.field,
        origin=Segmentation.Origin.AUTO,
        strategy=plan.strategy,
        status=Segmentation.Status.SUBMITTED,
    )


def _advance(
    run: SegmentationRun, *, done: int, steps: int, skipped: int, imported: int = 0
) -> None:
    """Count a finished chunk; the chunk that completes the run marks it done."""
    SegmentationRun.objects.filter(pk=run.pk).update(
        traces_done=F("traces_done") + done,
        steps_created=F("steps_created") + steps,
        skipped_human=F("skipped_human") + skipped,
        heartbeat_at=timezone.now(),
        kept_imported=F("kept_imported") + imported,
    )
    _complete_if_done(run)


# An import that may still add traces to its run (``add_to_import_run``).
IMPORTING = (ImportJob.Status.STAGED, ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def _complete_if_done(run: SegmentationRun) -> None:
    """Mark the run done when every trace it counted is cut and no import adds more.

    A chunk and the import's end can race; each checks after its own change, and the row lock
    the chunk's count holds makes the later check see both."""
    SegmentationRun.objects.filter(
        pk=run.pk, traces_done__gte=F("traces_total"), status=SegmentationRun.Status.RUNNING
    ).exclude(
        import_job__status__in=IMPORTING
    ).update(status=SegmentationRun.Status.DONE, finished_at=timezone.now())


def fail_run(run: SegmentationRun, message: str) -> None:
    SegmentationRun.objects.filter(pk=run.pk).update(
        status=SegmentationRun.Status.FAILED, message=message, finished_at=timezone.now()
    )

"""Importing a file of traces into a project: the one code path behind page, CLI and task.

The pure ingest core (``curation.ingest``) turns bytes into ``TraceRecord``s and
``RecordError``s; this module saves them in batches, deduplicates by content hash, keeps the
job's counters and error list current, and makes sure no half-written trace is ever visible
(a trace, its imported segmentation and its steps commit together).
"""
from __future__ import annotations

import logging
from functools import partial
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from curation.ingest.budget import LimitExceeded, Limits
from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.pipeline import parse_stream, preview, unsupported_container
from curation.models import (
    ImportJob, Project, Segmentation, SegmentationRun, Step, Trace, short_file_name,
)
from curation.services import segmentation
from curation.services.enqueue import enqueue_on_commit
from curation.services.traces import search
from curation.traces.records import RecordError, TraceRecord

log = logging.getLogger(__name__)

ProgressCallback = Callable[[ImportJob], None]


class AtomicImportRejected(Exception):
    """An ``atomic`` import met bad records, so nothing was imported."""


class UnreadableFile(Exception):
    """No preset fits the file, or no record of it could be read at all."""


class UnsupportedFile(ValueError):
    """The file is no container Stepwise reads (random bytes, an image ...): nothing to start."""


def check_container(upload: IO[bytes], name: str = "") -> None:
    """Raise UnsupportedFile when ``upload`` is not a supported container; rewinds it."""
    position = upload.tell()
    try:
        reason = unsupported_container(
            upload, name=name, max_record_bytes=settings.STEPWISE_MAX_RECORD_BYTES
        )
    finally:
        upload.seek(position)
    if reason:
        raise UnsupportedFile(f"This file cannot be imported: {reason}.")


def check_job_container(job: ImportJob) -> None:
    """``check_container`` on a staged job's file."""
    with job.open_source() as stream:
        check_container(stream, job.original_name)


def discard_import(job: ImportJob) -> None:
    """Delete a staged (never started) import and its stored file."""
    if job.status != ImportJob.Status.STAGED:
        raise ValueError("only an import that was never started can be discarded")
    if job.file:
        job.file.delete(save=False)
    job.delete()


def create_import_job(
    *,
    project: Project,
    upload: IO[bytes] | None = None,
    upload_name: str = "",
    local_path: str | Path | None = None,
    preset: str = "auto",
    mapping: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    atomic: bool = False,
    user=None,
    status: str = ImportJob.Status.QUEUED,
) -> ImportJob:
    """Record a new import of an uploaded file (copied to storage) or of a local file (in place).

    An archived project takes none (``ProjectArchived``)."""
    from curation.services.projects import require_active

    require_active(project)
    if (upload is None) == (local_path is None):
        raise ValueError("give exactly one of upload or local_path")
    job = ImportJob(
        project=project,
        created_by=user,
        preset=preset,
        mapping=mapping or {},
        options=options or {},
        atomic=atomic,
        status=status,
    )
    if upload is not None:
        # The column holds 255; the stored file's name is cut shorter still (import_upload_path).
        job.original_name = short_file_name(
            Path(upload_name or getattr(upload, "name", "upload")).name, max_bytes=255
        )
        job.file.save(job.original_name, File(upload), save=False)
        job.bytes_total = job.file.size
    else:
        path = Path(local_path).resolve()
        job.source_path = str(path)
        job.original_name = path.name
        job.bytes_total = path.stat().st_size
    job.save()
    return job


def start_import(job: ImportJob) -> ImportJob:
    """Queue an import on the workers: a staged job becomes queued, its task goes out on commit.

    The one way the upload page, the API and ``import_traces --enqueue`` start an import.
    """
    from curation import tasks  # tasks import the services; only entry points import tasks
    from curation.services.projects import require_active

    require_active(job.project)
    if job.status == ImportJob.Status.STAGED:
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["status"])
    enqueue_on_commit(tasks.import_traces, job.pk)
    return job


def requeue_import(job: ImportJob, *, stale_before) -> bool:
    """Hand a running import whose worker died back to the workers (the reaper's way); False
    when its heartbeat came back meanwhile. The next attempt continues where it stood."""
    requeued = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.RUNNING
    ).filter(Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True)).update(
        status=ImportJob.Status.QUEUED, task_id="", heartbeat_at=timezone.now(),
        message="Requeued: the worker running it stopped.",
    )
    if requeued:
        job.refresh_from_db()
        start_import(job)
    return bool(requeued)


def fail_lost_import(job: ImportJob, message: str) -> int:
    """Fail a running import for good (its workers kept dying); returns 1, or 0 if it moved on.
    The traces it saved stay, and so does their segmentation (its run is closed) and search."""
    failed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, message=message, finished_at=timezone.now()
    )
    if failed:
        segmentation.close_import_run(job)
        index_new_traces(job)
    return failed


def segment_new_traces(
    job: ImportJob,
    *,
    in_process: bool = False,
    on_progress: Callable[[SegmentationRun], None] | None = None,
) -> SegmentationRun | None:
    """After an import, segment the traces it added (the one place this is decided).

    An import on the workers segments its batches as they commit (``run_import(segment=True)``):
    its run is closed here, done once its last chunk is. Otherwise a run over the new traces,
    on the workers (chunks enqueued on commit) or, for commands, in this process. Nothing to
    do when the import failed or added nothing new.
    """
    if job.segmentation_runs.exists():
        return segmentation.close_import_run(job)
    if job.status != ImportJob.Status.DONE or not job.traces_created:
        return None
    if in_process:
        return segmentation.segment_in_process(
            job.project, job.traces.all(), import_job=job, on_progress=on_progress
        )
    return segmentation.start_segmentation_run(job.project, job.traces.all(), import_job=job)


def index_new_traces(job: ImportJob) -> int:
    """Send the tasks that compute the search vectors an import on the workers left empty
    (``run_import(segment=True)``), after its segmentation chunks: on the segmentation queue,
    first in first out, they run once the traces are cut. Returns how many tasks."""
    from curation import tasks  # tasks import the services; only entry points import tasks

    sent = 0
    for first_id, last_id in search.pending_ranges(job.pk):
        enqueue_on_commit(tasks.index_trace_search, job.pk, first_id, last_id)
        sent += 1
    return sent


def settled(job: ImportJob) -> bool:
    """Whether nothing more will happen to the import: finished, and so is the segmentation
    that follows a successful one (which starts a moment after the import says done)."""
    if not job.is_finished:
        return False
    run = job.segmentation_runs.first()
    if run is not None:
        return run.is_finished
    return job.status != ImportJob.Status.DONE or not job.traces_created


def outcome(job: ImportJob) -> str:
    """What an import came to, segmentation included: "imported 60 traces; segmentation
    failed: ..." rather than "Done" while its traces are not (or could not be) cut."""
    run = job.segmentation_runs.order_by("-created_at", "-id").first()
    if job.status != ImportJob.Status.DONE or run is None:
        return job.message
    summary = f"imported {_count(job.traces_created, 'trace')}"
    if run.status == SegmentationRun.Status.FAILED:
        return f"{summary}; segmentation failed: {run.message}"
    if run.status == SegmentationRun.Status.DONE:
        return f"{summary}; segmented into {_count(run.steps_created, 'step')}"
    return f"{summary}; segmenting ({run.traces_done}/{run.traces_total} traces)"


def saved_mappings(project: Project) -> dict[str, dict]:
    """Mappings usable by name: the project's own, then the built-in ones for known sources."""
    mappings = {name: dict(fields) for name, fields in KNOWN_MAPPINGS.items()}
    mappings.update(project.mappings.values_list("name", "fields"))
    return mappings


def preview_import(job: ImportJob, *, limit: int = 5) -> dict[str, Any]:
    """The preset that would be chosen and the first records as they would be mapped."""
    with job.open_source() as stream:
        result = preview(
            stream, limit=limit, mappings=_auto_mappings(job), limits=_preview_limits(),
            **_reading_settings(job),
        )
    records, errors = [], []
    for location, item in result.items:
        if isinstance(item, RecordError):
            errors.append({"location": item.location, "reason": item.reason})
        else:
            records.append(_preview_row(location, item))
    if result.error:
        errors.append({"location": 0, "reason": result.error})
    return {
        "preset": result.preset,
        "records": records,
        "errors": errors,
        "fields": result.fields,
        "unsupported": result.unsupported,
        "mapping_name": result.mapping_name,
        "stopped": result.stopped,
    }


def _auto_mappings(job: ImportJob) -> dict[str, dict] | None:
    """The named mappings ``auto`` may choose for this job: the project's and the built-in."""
    if job.preset != "auto" or job.mapping:
        return None
    return saved_mappings(job.project)


def _preview_limits() -> Limits:
    """A preview runs in a web request on every page load: a small budget, and it says so."""
    return Limits(
        max_bytes=settings.STEPWISE_PREVIEW_MAX_BYTES,
        seconds=settings.STEPWISE_PREVIEW_SECONDS,
    )


def _import_limits() -> Limits:
    return Limits(
        max_bytes=settings.STEPWISE_MAX_DECOMPRESSED_BYTES or None,
        max_records=settings.STEPWISE_MAX_RECORDS or None,
    )


def _reading_settings(job: ImportJob) -> dict[str, Any]:
    """How the ingest core reads this job's file."""
    return {
        "name": job.original_name,
        "preset": job.preset,
        "mapping": job.mapping or None,
        "options": job.options,
        "max_record_bytes": settings.STEPWISE_MAX_RECORD_BYTES,
    }


def _preview_row(location: int, record: TraceRecord) -> dict[str, Any]:
    return {
        "location": location,
        "kind": record.kind,
        "problem": record.problem,
        "reasoning": record.reasoning,
        "response": record.response,
        "answer": record.answer,
        "teacher_model": record.teacher_model,
        "step_count": len(record.steps or ()),
        "steps_field": record.steps_field,
    }


@dataclass
class _Earlier:
    """Traces an earlier attempt of this job committed (ids up to ``last_id``), and the hashes
    of those this attempt has met again (each counts as created once)."""

    last_id: int
    claimed: set[str] = field(default_factory=set)


@dataclass
class _Counters:
    """What the job reports; written to the row after every batch."""

    records_seen: int = 0
    traces_created: int = 0
    duplicates: int = 0
    errors_count: int = 0


def run_import(
    job: ImportJob, *, on_progress: ProgressCallback | None = None, segment: bool = False
) -> ImportJob:
    """Import the job's file. Bad records are listed on the job; they never stop the good ones.

    ``segment``: each committed batch of new traces goes to the segmentation workers at once
    (``segmentation.add_to_import_run``), so cutting overlaps the import; ``segment_new_traces``
    closes that run afterwards.
    """
    earlier = _start(job)
    try:
        if job.atomic:  # one transaction: nothing to overlap, segmented after it commits
            _run_atomic(job, on_progress)
        else:
            _import_records(job, on_progress, earlier=earlier, segment=segment)
    except (AtomicImportRejected, UnreadableFile) as rejected:
        _finish(job, ImportJob.Status.FAILED, str(rejected))
    except LimitExceeded as exc:
        _finish(job, ImportJob.Status.FAILED, _limit_message(job, exc))
    except Exception as exc:  # the worker must survive any file: report, don't crash
        log.exception("import %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, f"Import stopped: {type(exc).__name__}: {exc}")
    else:
        _finish(job, ImportJob.Status.DONE, _summary(job))
    if on_progress:
        on_progress(job)
    return job


_PROGRESS_FIELDS = [
    "message", "finished_at", "bytes_read", "records_seen", "traces_created", "duplicates",
    "errors_count", "errors",
]


def _start(job: ImportJob) -> _Earlier | None:
    """Mark the job running from the beginning; returns what an earlier attempt wrote, if any.

    A redelivered import (its worker died) reads the file again from the start: the traces
    its earlier attempt committed are found by hash and counted as this job's own, not as
    duplicates, so the job reports what it imported whatever happened to its workers.
    """
    last_id = job.traces.order_by("-id").values_list("id", flat=True).first()
    job.status = ImportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.heartbeat_at = job.started_at
    job.finished_at = None
    job.message = ""
    job.bytes_read = job.records_seen = job.traces_created = job.duplicates = 0
    job.errors_count = 0
    job.errors = []
    job.save(update_fields=[*_PROGRESS_FIELDS, "status", "started_at", "heartbeat_at"])
    return _Earlier(last_id) if last_id is not None else None


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if status == ImportJob.Status.DONE:
        job.bytes_read = job.bytes_total
    # Named fields: the lease (task, heartbeat, attempts) belongs to the workers, not this copy.
    job.save(update_fields=[*_PROGRESS_FIELDS, "status", "detected_preset"])


def _limit_message(job: ImportJob, exc: LimitExceeded) -> str:
    """Which limit stopped the import, and what of the file was kept."""
    if job.atomic:
        kept = "Nothing was imported (atomic import)."
    else:
        kept = (
            f"The {_count(job.traces_created, 'trace')} saved before that point are kept "
            "(a non-atomic import keeps its good records); split the file to import the rest."
        )
    return (
        f"Import refused: {exc} (the limits are STEPWISE_MAX_DECOMPRESSED_BYTES and "
        f"STEPWISE_MAX_RECORDS). {kept}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _summary(job: ImportJob) -> str:
    parts = [f"{_count(job.traces_created, 'trace')} imported"]
    if job.duplicates:
        parts.append(f"{_count(job.duplicates, 'duplicate')} skipped")
    if job.errors_count:
        parts.append(_count(job.errors_count, "bad record"))
    seconds = (timezone.now() - job.started_at).total_seconds()
    preset = job.detected_preset
    if getattr(job, "chosen_mapping", ""):
        preset += f" {job.chosen_mapping!r}, chosen automatically"
    return ", ".join(parts) + f" in {seconds:.2f} s (preset: {preset})."


def _run_atomic(job: ImportJob, on_progress: ProgressCallback | None) -> None:
    """All or nothing: a validation pass first, then one transaction for every insert."""
    _import_records(job, on_progress, write=False)
    if job.errors_count:
        raise AtomicImportRejected(
            f"Nothing imported: {_count(job.errors_count, 'bad record')} (atomic import)."
        )
    with transaction.atomic():
        _import_records(job, on_progress)


def _import_records(
    job: ImportJob,
    on_progress: ProgressCallback | None,
    *,
    write: bool = True,
    earlier: _Earlier | None = None,
    segment: bool = False,
) -> None:
    counters = _Counters()
    # On the workers, segmentation and the search vectors follow each batch (see run_import).
    on_created = partial(segmentation.add_to_import_run, job) if segment else None
    job.errors = []
    with job.open_source() as stream:
        parsed = parse_stream(
            stream, mappings=_auto_mappings(job), limits=_import_limits(), **_reading_settings(job)
        )
        job.detected_preset = parsed.preset or ""
        job.save(update_fields=["detected_preset"])
        job.chosen_mapping = parsed.mapping_name  # named in the summary, not stored
        batches = _batches(
            parsed, settings.STEPWISE_IMPORT_BATCH_SIZE, settings.STEPWISE_IMPORT_BATCH_CHARS
        )
        for batch in batches:
            records = _take_errors(job, batch, counters)
            if write:
                created, duplicates = save_traces(
                    job.project, records, import_job=job, earlier=earlier, on_created=on_created,
                    defer_search=segment,
                )
            else:
                created, duplicates = 0, 0
            counters.traces_created += created
            counters.duplicates += duplicates
            _report_progress(job, counters, parsed.reader.bytes_read, on_progress)
    if not parsed.preset:
        raise UnreadableFile(parsed.error or "No record in this file could be read.")


def _batches(parsed: Iterable, size: int, max_chars: int) -> Iterator[list]:
    """Batches of at most ``size`` records and about ``max_chars`` of text: memory stays flat."""
    batch: list = []
    chars = 0
    for item in parsed:
        batch.append(item)
        if isinstance(item[1], TraceRecord):
            chars += item[1].text_size()
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _take_errors(job: ImportJob, batch: list, counters: _Counters) -> list[TraceRecord]:
    """Split a batch into good records and reported errors (the first N are kept)."""
    records = []
    limit = settings.STEPWISE_MAX_REPORTED_ERRORS
    for location, item in batch:
        counters.records_seen += 1
        if isinstance(item, RecordError):
            counters.errors_count += 1
            if len(job.errors) < limit:
                job.errors.append({"location": item.location, "reason": item.reason})
        else:
            records.append(item)
    return records


def _report_progress(
    job: ImportJob, counters: _Counters, bytes_read: int, on_progress: ProgressCallback | None
) -> None:
    job.records_seen = counters.records_seen
    job.traces_created = counters.traces_created
    job.duplicates = counters.duplicates
    job.errors_count = counters.errors_count
    job.bytes_read = min(bytes_read, job.bytes_total) if job.bytes_total else bytes_read
    ImportJob.objects.filter(pk=job.pk).update(
        records_seen=job.records_seen,
        traces_created=job.traces_created,
        duplicates=job.duplicates,
        errors_count=job.errors_count,
        errors=job.errors,
        bytes_read=job.bytes_read,
        heartbeat_at=timezone.now(),
    )
    if on_progress:
        on_progress(job)


def save_traces(
    project: Project,
    records: list[TraceRecord],
    *,
    import_job: ImportJob | None = None,
    earlier: _Earlier | None = None,
    on_created: Callable[[list[Trace]], Callable[[], None] | None] | None = None,
    defer_search: bool = False,
) -> tuple[int, int]:
    """Insert the records that are new to the project; return (created, duplicates).

    One transaction per batch, so a trace and its imported steps appear together or not at all.
    A concurrent import of the same content can win the race for a hash: then the batch is
    retried against the fresh set of known hashes. Traces an ``earlier`` attempt of the same
    job committed count as created (once each), not as duplicates. ``on_created`` gets the new
    traces inside the batch's transaction (to count them) and may return what to call once
    they are committed (to send work about them). ``defer_search``: the new traces' search
    vectors are left to ``index_new_traces``.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                if defer_search:
                    search.defer_vectors()
                created, duplicates, recovered, after = _insert_new(
                    project, records, import_job, earlier, on_created
                )
        except IntegrityError:
            if attempt == 2:
                raise
        else:
            if earlier is not None:
                earlier.claimed.update(recovered)
            if after is not None:
                after()
            return created, duplicates
    raise AssertionError("unreachable")


def _insert_new(
    project: Project,
    records: list[TraceRecord],
    import_job: ImportJob | None,
    earlier: _Earlier | None = None,
    on_created: Callable[[list[Trace]], Callable[[], None] | None] | None = None,
) -> tuple[int, int, set[str], Callable[[], None] | None]:
    by_hash: dict[str, TraceRecord] = {}
    for record in records:
        by_hash.setdefault(record.content_hash(), record)
    rows = _traces_with_hashes(project.pk, list(by_hash), "content_hash", "import_job_id", "id")
    known, recovered = set(), set()
    for content_hash, job_id, trace_id in rows:
        known.add(content_hash)
        if (
            earlier is not None
            and job_id == import_job.pk
            and trace_id <= earlier.last_id
            and content_hash not in earlier.claimed
        ):
            recovered.add(content_hash)
    new = [(h, r) for h, r in by_hash.items() if h not in known]
    traces = _create_traces([_trace_row(project, import_job, h, r) for h, r in new])
    _save_imported_steps(traces, [r for _, r in new])
    after = on_created(traces) if on_created is not None and traces else None
    created = len(traces) + len(recovered)
    return created, len(records) - created, recovered, after


def _create_traces(traces: list[Trace]) -> list[Trace]:
    """Insert traces and give them their ids; PostgreSQL takes them through COPY.

    Trace texts are tens of kilobytes of LaTeX full of backslashes: quoting them into an INSERT
    costs more than parsing the file, while COPY streams them as they are (4-8x faster here).
    The binary format, not the text one: a text goes as its UTF-8 bytes, where the text format
    has each byte looked at for a backslash, tab or newline to escape on this side and to
    unescape on the server's.
    """
    if not traces or connection.vendor != "postgresql":
        return Trace.objects.bulk_create(traces)
    from psycopg.types.json import Jsonb  # psycopg is there where PostgreSQL is

    # The database fills generated columns (length, the search vector) itself.
    fields = [f for f in Trace._meta.concrete_fields if not f.primary_key and not f.generated]
    # A field's value is its attribute (``value_from_object``), JSON written by orjson.
    attnames = [f.attname for f in fields]
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    now = timezone.now()
    table = Trace._meta.db_table
    columns = [f.column for f in fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        types = _column_types(cursor, table, columns)
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)  # binary values must be of the columns' exact types
            for trace in traces:
                trace.created_at = now
                row = [getattr(trace, attname) for attname in attnames]
                for i in json_at:
                    row[i] = Jsonb(row[i], orjson.dumps)
                copy.write_row(row)
    hashes = [t.content_hash for t in traces]
    ids = dict(_traces_with_hashes(traces[0].project_id, hashes, "content_hash", "id"))
    for trace in traces:
        trace.pk = ids[trace.content_hash]
    return traces


def _column_types(cursor, table: str, columns: list[str]) -> list[int]:
    """The type (oid) of each of ``columns`` of ``table``, as the database has it now."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    oids = dict(cursor.fetchall())
    return [oids[column] for column in columns]


def _traces_with_hashes(project_id: int, hashes: list[str], *columns: str) -> list[tuple]:
    """``columns`` of the project's traces whose content hash is one of ``hashes``.

    On PostgreSQL the hashes go as one array (``= ANY``): an ``IN`` of a batch's hundreds of
    hashes costs Django a lookup value each and psycopg a placeholder each, in Python."""
    if connection.vendor != "postgresql":
        return list(
            Trace.objects.filter(project_id=project_id, content_hash__in=hashes).values_list(
                *columns
            )
        )
    if not hashes:
        return []  # what the IN of nothing returns, without asking
    names = ", ".join(connection.ops.quote_name(Trace._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM {Trace._meta.db_table} "
            "WHERE project_id = %s AND content_hash = ANY(%s)",
            [project_id, hashes],
        )
        return cursor.fetchall()


def _trace_row(
    project: Project, import_job: ImportJob | None, content_hash: str, record: TraceRecord
) -> Trace:
    return Trace(
        project=project,
        import_job=import_job,
        kind=record.kind,
        problem=record.problem,
        reasoning=record.reasoning,
        response=record.response,
        answer=record.answer,
        teacher_model=record.teacher_model[:200],
        source=record.source,
        content_hash=content_hash,
    )


def _save_imported_steps(traces: list[Trace], records: list[TraceRecord]) -> None:
    """Steps that came with the source become an 'imported' segmentation of the trace."""
    carrying = [(t, r) for t, r in zip(traces, records) if r.steps]
    if not carrying:
        return
    segmentations = Segmentation.objects.bulk_create(
        [
            Segmentation(
                trace=trace,
                field=record.steps_field,
                origin=Segmentation.Origin.IMPORTED,
                status=Segmentation.Status.SUBMITTED,
            )
            for trace, record in carrying
        ]
    )
    Step.objects.bulk_create(
        [
            Step(
                segmentation=segmentation,
                position=index,
                start=span.start,
                end=span.end,
                type=span.type,
                rating=span.rating,
                note=span.note,
            )
            for segmentation, (_, record) in zip(segmentations, carrying)
            for index, span in enumerate(record.steps)
        ],
        batch_size=2000,
    )

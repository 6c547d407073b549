"""Celery tasks: thin shells that load rows, call a service, and never let a file kill a worker."""
from __future__ import annotations

import logging

from celery import shared_task

from curation.models import ImportJob, SegmentationRun, Trace
from curation.services import segmentation
from curation.services.imports import run_import

log = logging.getLogger(__name__)


@shared_task(name="curation.import_traces")
def import_traces(job_id: int) -> str:
    """Run one import job, then segment what it added. A finished job redelivered is left alone."""
    job = ImportJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None:
        log.warning("import job %s vanished before it ran", job_id)
        return "missing"
    if job.is_finished:
        return job.status
    run_import(job)
    if job.status == ImportJob.Status.DONE and job.traces_created:
        segment_imported(job)
    return job.status


def segment_imported(job: ImportJob) -> SegmentationRun:
    """Queue the auto-segmentation of the traces an import added."""
    trace_ids = list(Trace.objects.filter(import_job=job).order_by("id").values_list("id", flat=True))
    run, chunks = segmentation.start_run(job.project, trace_ids, import_job=job)
    dispatch_chunks(run, chunks)
    return run


def dispatch_chunks(run: SegmentationRun, chunks: list[list[int]]) -> None:
    for chunk in chunks:
        segment_chunk.delay(run.pk, chunk)


@shared_task(name="curation.segment_chunk", acks_late=True)
def segment_chunk(run_id: int, trace_ids: list[int]) -> int:
    run = SegmentationRun.objects.select_related("project").filter(pk=run_id).first()
    if run is None or run.is_finished:
        return 0
    try:
        return segmentation.segment_chunk(run, trace_ids)
    except Exception as exc:  # one bad chunk fails the run visibly instead of hanging it
        log.exception("segmentation run %s failed", run_id)
        segmentation.fail_run(run, f"{type(exc).__name__}: {exc}")
        return 0

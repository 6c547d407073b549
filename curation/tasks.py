"""Celery tasks: thin shells that load a row, call a service, and never let a file kill a worker."""
from __future__ import annotations

import logging

from celery import shared_task

from curation.models import ImportJob
from curation.services.imports import run_import

log = logging.getLogger(__name__)


@shared_task(name="curation.import_traces")
def import_traces(job_id: int) -> str:
    """Run one import job. A redelivered job that already finished is left alone."""
    job = ImportJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None:
        log.warning("import job %s vanished before it ran", job_id)
        return "missing"
    if job.is_finished:
        return job.status
    return run_import(job).status

"""Celery tasks: thin shells that load a row and call one service; a file never kills a worker.

Every task is acknowledged late and given back to the broker when its worker dies
(settings: CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST), so each must be safe to
run again: imports and builds take a lease first (``services.workers``).

Only the services' entry points import this module (to enqueue on commit): see
docs/ARCHITECTURE.md, "How a request becomes a task".
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from curation.models import (
    DatasetVersion, Delivery, ImportJob, SegmentationRun, SegmenterModel, TrainingJob,
)
from curation.services import imports, segmentation, workers

log = logging.getLogger(__name__)


@shared_task(bind=True, name="curation.import_traces")
def import_traces(self, job_id: int) -> str:
    """Run one import job; what it adds is segmented batch by batch as it commits.

    Redelivered (its worker died), it continues the import; a finished job only has its
    segmentation started or closed (its worker died before); a job another live worker holds
    is left to it.
    """
    job = ImportJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None:
        log.warning("import job %s vanished before it ran", job_id)
        return "missing"
    if job.is_finished:  # its worker died before the segmentation was started or closed
        imports.segment_new_traces(job)
        imports.index_new_traces(job)
        return job.status
    if not workers.claim_import(job, self.request.id or ""):
        return "held by another worker"
    imports.run_import(job, segment=True)  # batches are cut by other workers as they commit
    imports.segment_new_traces(job)
    imports.index_new_traces(job)  # the search vectors the import deferred, after the cutting
    return job.status


@shared_task(name="curation.index_trace_search")
def index_trace_search(job_id: int, first_id: int, last_id: int) -> int:
    """Compute the search vectors a workers' import left empty, for one range of its traces."""
    from curation.services.traces import search

    return search.index_range(job_id, first_id, last_id)


@shared_task(name="curation.segment_chunk")
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


@shared_task(name="curation.feed_followers")
def feed_followers(version_id: int) -> int:
    """Queue one delivery per job that follows the version's dataset; sent on publish."""
    from curation.services import delivery  # pyarrow loads only where versions are handled

    published = DatasetVersion.objects.filter(status=DatasetVersion.Status.PUBLISHED)
    version = published.filter(pk=version_id).first()
    if version is None:
        return 0
    return delivery.deliver_to_followers(version)


@shared_task(bind=True, name="curation.deliver_version", max_retries=None)
def deliver_version(self, job_id: int, version_id: int) -> str:
    """One delivery attempt; one that may pass later is retried with backoff and jitter."""
    from curation.services.delivery import deliveries  # pyarrow loads only where versions are handled

    job = TrainingJob.objects.select_related("dataset__project", "owner", "token").filter(pk=job_id).first()
    version = DatasetVersion.objects.select_related("dataset__project").filter(
        pk=version_id, status=DatasetVersion.Status.PUBLISHED
    ).first()
    if job is None or version is None:
        log.warning("delivery of version %s to job %s: one of them is gone", version_id, job_id)
        return "missing"
    attempt = self.request.retries + 1
    final = attempt >= settings.STEPWISE_DELIVERY_MAX_ATTEMPTS
    delivery = deliveries.attempt_delivery(job=job, version=version, attempt=attempt, final=final)
    if delivery.outcome == Delivery.Outcome.RETRYING:
        raise self.retry(countdown=deliveries.backoff_seconds(attempt))
    return delivery.outcome


@shared_task(bind=True, name="curation.build_dataset_version")
def build_dataset_version(self, version_id: int) -> str:
    """Build and publish one version. A redelivered or requeued task (its worker was killed)
    builds again from scratch, after removing what the killed attempt had staged."""
    from curation.services.datasets import build_version, clear_staging  # pyarrow: builds only

    version = DatasetVersion.objects.select_related("dataset__project").filter(pk=version_id).first()
    if version is None:
        log.warning("dataset version %s vanished before it was built", version_id)
        return "missing"
    if version.status != DatasetVersion.Status.BUILDING:
        return version.status
    if not workers.claim_build(version, self.request.id or ""):
        return "held by another worker"
    clear_staging(version)
    return build_version(version).status


@shared_task(name="curation.compute_agreement", acks_late=True)
def compute_agreement(trace_id: int, field: str) -> str:
    """One trace field's agreement after a submission (routed to the ``quality`` queue)."""
    from curation.services.quality import compute_trace_agreement

    row = compute_trace_agreement(trace_id=trace_id, field=field)
    return row.route if row is not None else "fewer than two annotators"


@shared_task(name="curation.refresh_quality_figures", acks_late=True)
def refresh_quality_figures(project_id: int) -> float:
    """Recompute a project's dashboard figures (routed to the ``quality`` queue); the seconds."""
    from curation.models import Project
    from curation.services.quality.dashboard import refresh_figures

    project = Project.objects.filter(pk=project_id).first()
    return refresh_figures(project).seconds if project is not None else 0.0


@shared_task(name="curation.reap_stale_jobs")
def reap_stale_jobs() -> dict:
    """Beat's periodic pass: requeue or fail jobs whose worker died, remove orphaned staging."""
    return vars(workers.reap_stale_jobs())


@shared_task(bind=True, name="curation.run_assist_job", acks_late=True)  # the "assist" queue (settings)
def run_assist_job(self, job_id: int) -> str:
    """Run (or, redelivered or requeued by the reaper, resume) one assist job; its traces with
    a result are skipped; a job another live worker holds is left to it."""
    from curation.models import AssistJob
    from curation.services import assist  # httpx and math-verify load only where jobs run

    job = AssistJob.objects.select_related("endpoint", "project").filter(pk=job_id).first()
    if job is None:
        log.warning("assist job %s vanished before it ran", job_id)
        return "missing"
    if job.is_finished:
        return job.status
    if not workers.claim_assist_job(job, self.request.id or ""):
        return "held by another worker"
    return assist.run_assist_job(job).status
@shared_task(name="curation.train_segmenter_model", acks_late=True)
def train_segmenter_model(model_id: int) -> str:
    """Train one version of a project's boundary model (the ``learning`` queue)."""
    from curation.services import learning  # LightGBM loads only where models are trained

    model = SegmenterModel.objects.select_related("project").filter(pk=model_id).first()
    if model is None or model.status != SegmenterModel.Status.TRAINING:
        return "missing" if model is None else model.status
    try:
        return learning.train_model(model).status
    except Exception as exc:  # a failed training shows on the lead's page instead of hanging
        log.exception("training segmenter model %s failed", model_id)
        SegmenterModel.objects.filter(pk=model_id).update(
            status=SegmenterModel.Status.FAILED, message=f"{type(exc).__name__}: {exc}")
        return SegmenterModel.Status.FAILED


@shared_task(name="curation.score_trace_uncertainty", acks_late=True)
def score_trace_uncertainty(model_id: int) -> int:
    """Score the project's traces with a new model, for the "most uncertain first" queue."""
    from curation.services import learning

    model = SegmenterModel.objects.filter(pk=model_id).first()
    return 0 if model is None else learning.score_uncertainty(model)

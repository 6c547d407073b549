"""The reaper: what a periodic beat task does about jobs whose worker died.

A job whose heartbeat stopped for ``STEPWISE_HEARTBEAT_TIMEOUT_SECONDS`` is requeued (imports,
builds, segmentation runs and assist jobs re-run safely: an import continues and counts what it
already wrote as its own, a build starts over from an empty staging folder, a run cuts only the
traces it has not cut yet, an assist job asks only about the traces without a result), or
failed once workers have taken it ``STEPWISE_JOB_MAX_ATTEMPTS`` times.
Staging folders that no running build or delivery will ever publish are removed.
"""
from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from curation.models import AssistJob, DatasetVersion, ImportJob, SegmentationRun
from curation.services.workers.leases import heartbeat_timeout

log = logging.getLogger(__name__)


@dataclass
class ReapReport:
    """What one pass did, for the log and the tests."""

    requeued: int = 0
    failed: int = 0
    staging_removed: int = 0


def reap_stale_jobs() -> ReapReport:
    """One pass over imports, builds, segmentation runs, assist jobs and staging folders."""
    report = ReapReport()
    _reap_imports(report)
    _reap_builds(report)
    _reap_runs(report)
    _reap_assist_jobs(report)
    report.staging_removed += remove_orphaned_staging()
    if report.requeued or report.failed or report.staging_removed:
        log.warning("reaper: %s", report)
    return report


def _stale_before():
    return timezone.now() - heartbeat_timeout()


def _gave_up(attempts: int) -> str:
    return (
        f"Stopped: the worker running this died {attempts} time(s) "
        f"(limit STEPWISE_JOB_MAX_ATTEMPTS={settings.STEPWISE_JOB_MAX_ATTEMPTS})."
    )


def _reap_imports(report: ReapReport) -> None:
    from curation.services import imports

    stale_before = _stale_before()
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    )
    _requeue_or_fail(report, stale, stale_before, imports.requeue_import, imports.fail_lost_import)


def _reap_builds(report: ReapReport) -> None:
    from curation.services import datasets

    report.failed += datasets.fail_abandoned_builds()  # never claimed, past the time limit
    stale_before = _stale_before()
    stale = DatasetVersion.objects.filter(
        status=DatasetVersion.Status.BUILDING, heartbeat_at__lt=stale_before
    )
    _requeue_or_fail(report, stale, stale_before, datasets.requeue_build, datasets.fail_lost_build)


def _reap_runs(report: ReapReport) -> None:
    from curation.services import segmentation

    def fail(run: SegmentationRun, message: str) -> int:
        segmentation.fail_run(run, message)
        return 1

    stale_before = _stale_before()
    stale = SegmentationRun.objects.filter(status=SegmentationRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, created_at__lt=stale_before)
    ).exclude(import_job__status__in=segmentation.IMPORTING)  # the import's own lease covers it
    _requeue_or_fail(report, stale, stale_before, segmentation.requeue_run, fail)


def _reap_assist_jobs(report: ReapReport) -> None:
    from curation.services import assist  # httpx and math-verify: loaded only when needed

    stale_before = _stale_before()
    stale = AssistJob.objects.filter(status=AssistJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, created_at__lt=stale_before)
    )
    _requeue_or_fail(
        report, stale, stale_before, assist.requeue_assist_job, assist.fail_lost_assist_job
    )


def _requeue_or_fail(
    report: ReapReport, stale: QuerySet, stale_before: datetime,
    requeue: Callable[..., bool], fail: Callable[[Any, str], int],
) -> None:
    """Each stale job is run again, or failed (``fail`` returns how many it failed) once workers
    have taken it ``STEPWISE_JOB_MAX_ATTEMPTS`` times."""
    for job in stale:
        if job.attempts >= settings.STEPWISE_JOB_MAX_ATTEMPTS:
            report.failed += fail(job, _gave_up(job.attempts))
        elif requeue(job, stale_before=stale_before):
            report.requeued += 1


def remove_orphaned_staging() -> int:
    """Remove staging folders of builds that are no longer building (failed, published,
    deleted) and of deliveries' copies older than the heartbeat timeout; return how many."""
    from curation.services.datasets import storage

    removed = 0
    root = storage.local_root()
    if root is not None and root.is_dir():
        for folder in root.glob("*/*/.v*.tmp"):
            if _old(folder, 60) and not _building(folder, root):
                removed += _remove(folder)
    deliveries = Path(settings.STEPWISE_DELIVERY_ROOT)
    if deliveries.is_dir():
        for folder in deliveries.rglob(".v*.tmp"):
            if _old(folder, settings.STEPWISE_HEARTBEAT_TIMEOUT_SECONDS):
                removed += _remove(folder)
    return removed


def _building(folder: Path, root: Path) -> bool:
    """Whether the staging folder belongs to a version that is still building."""
    project, dataset = folder.parent.relative_to(root).parts
    number = folder.name.split(".")[1].removeprefix("v")
    if not number.isdigit():
        return False
    return DatasetVersion.objects.filter(
        dataset__project__slug=project, dataset__name=dataset, number=int(number),
        status=DatasetVersion.Status.BUILDING,
    ).exists()


def _old(folder: Path, seconds: float) -> bool:
    try:
        return folder.is_dir() and folder.stat().st_mtime < time.time() - seconds
    except FileNotFoundError:
        return False


def _remove(folder: Path) -> int:
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if folder.exists() else 1

"""Who runs a job: the task that holds its lease, renewed by the job's heartbeat.

A task may run an import, a build or an assist job when nobody holds it (queued, or requeued
by the reaper), when it is the very message that holds it (the broker redelivered it: its first worker died),
or when the holder's heartbeat stopped. Otherwise another live worker is on it and this copy
of the message (a reaper's requeue racing a broker's redelivery) steps aside. The claim is one
conditional UPDATE, so two workers can never both win it.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from curation.models import AssistJob, DatasetVersion, ImportJob


LEASE_FIELDS = ["task_id", "heartbeat_at", "attempts"]


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=settings.STEPWISE_HEARTBEAT_TIMEOUT_SECONDS)


def _claimable(task_id: str) -> Q:
    stale = timezone.now() - heartbeat_timeout()
    return (
        Q(task_id="") | Q(task_id=task_id) | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)
    )


def claim_import(job: ImportJob, task_id: str) -> bool:
    """Take the job for this task; False when another live worker holds it or it is finished."""
    unfinished = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.STAGED, ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    )
    won = unfinished.filter(_claimable(task_id)).update(
        task_id=task_id, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if won:
        job.refresh_from_db(fields=LEASE_FIELDS)
    return won == 1


def claim_build(version: DatasetVersion, task_id: str) -> bool:
    """Take the building version for this task (see ``claim_import``)."""
    building = DatasetVersion.objects.filter(pk=version.pk, status=DatasetVersion.Status.BUILDING)
    won = building.filter(_claimable(task_id)).update(
        task_id=task_id, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if won:
        version.refresh_from_db(fields=LEASE_FIELDS)
    return won == 1


def claim_assist_job(job: AssistJob, task_id: str) -> bool:
    """Take the queued or running assist job for this task (see ``claim_import``)."""
    unfinished = AssistJob.objects.filter(
        pk=job.pk, status__in=[AssistJob.Status.QUEUED, AssistJob.Status.RUNNING], cancel_requested=False
    )
    won = unfinished.filter(_claimable(task_id)).update(
        task_id=task_id, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if won:
        job.refresh_from_db(fields=LEASE_FIELDS)
    return won == 1

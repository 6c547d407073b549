"""Training jobs: what a trainer registers (which versions, which format, where they go) and
what it reports back (status and free-form metrics). Delivering is ``deliveries``' job."""

from __future__ import annotations

import secrets
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction

from curation.export.formats import FORMATS
from curation.models import Dataset, DatasetVersion, TrainingJob


class TrainingJobError(ValueError):
    """A job that cannot be registered or fed as asked; the message says why."""


class WebhookRefused(TrainingJobError):
    """The webhook URL points where outgoing requests may not go (a private address...)."""


class NothingToDeliver(TrainingJobError):
    """The job asks for no published version yet."""


def new_secret() -> str:
    return secrets.token_hex(32)


def check_webhook_url(url: str) -> None:
    """Raise ``WebhookRefused`` unless the guarded client may post to ``url``."""
    from curation.services.delivery import webhooks

    problem = webhooks.refusal(url)
    if problem:
        raise WebhookRefused(f"This webhook URL is not allowed: {problem}.")


def storage_folder(target: str) -> Path:
    """The folder a storage target names, always inside ``STEPWISE_DELIVERY_ROOT``.

    A trainer's input must never pick where the server writes: targets are relative folder
    names, and ``..`` or an absolute path is refused rather than resolved.
    """
    relative = PurePosixPath(target.strip().strip("/"))
    if not target.strip() or target.strip().startswith("/") or ".." in relative.parts:
        raise TrainingJobError("A storage target is a relative folder name without '..'.")
    return Path(settings.STEPWISE_DELIVERY_ROOT, *relative.parts)


@transaction.atomic
def register_job(
    *,
    owner,
    dataset: Dataset,
    name: str,
    format: str = "srl",
    version: DatasetVersion | None = None,
    webhook_url: str = "",
    storage_target: str = "",
    secret: str = "",
) -> TrainingJob:
    """A new job; ``version=None`` follows the dataset (each new published version)."""
    _check_job(
        dataset=dataset,
        format=format,
        version=version,
        webhook_url=webhook_url,
        storage_target=storage_target,
    )
    return TrainingJob.objects.create(
        owner=owner,
        dataset=dataset,
        name=name,
        format=format,
        version=version,
        webhook_url=webhook_url,
        storage_target=storage_target.strip().strip("/"),
        secret=secret or new_secret(),
    )


def _check_job(
    *,
    dataset: Dataset,
    format: str,
    version: DatasetVersion | None,
    webhook_url: str,
    storage_target: str,
) -> None:
    if format not in FORMATS:
        raise TrainingJobError(f"{format!r} is not a format (one of {', '.join(FORMATS)}).")
    if version is not None and version.dataset_id != dataset.pk:
        raise TrainingJobError(f"Version {version.number} is not a version of {dataset}.")
    if version is not None and version.status != DatasetVersion.Status.PUBLISHED:
        raise TrainingJobError(f"Version {version.number} is not published.")
    if not webhook_url and not storage_target:
        raise TrainingJobError("Give a webhook URL, a storage target, or both.")
    if webhook_url:
        check_webhook_url(webhook_url)
    if storage_target:
        storage_folder(storage_target)


def report(
    *, job: TrainingJob, status: str | None = None, metrics: dict[str, Any] | None = None
) -> TrainingJob:
    """What the trainer says about its run; metrics replace the previous ones whole."""
    if status is not None:
        if status not in TrainingJob.Status.values:
            raise TrainingJobError(
                f"{status!r} is not a status (one of {', '.join(TrainingJob.Status.values)})."
            )
        job.status = status
    if metrics is not None:
        job.metrics = metrics
    job.save(update_fields=["status", "metrics", "updated_at"])
    return job


def version_to_deliver(job: TrainingJob, number: int | None = None) -> DatasetVersion:
    """The version asked for, else the job's fixed version, else the latest published one."""
    published = job.dataset.versions.filter(status=DatasetVersion.Status.PUBLISHED)
    if number is not None:
        version = published.filter(number=number).first()
    elif job.version_id is not None:
        version = job.version
    else:
        version = published.order_by("-number").first()
    if version is None:
        raise NothingToDeliver(f"{job.dataset} has no published version to deliver yet.")
    return version

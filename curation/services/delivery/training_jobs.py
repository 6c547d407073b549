"""Training jobs: what a trainer registers (which versions, which format, where they go),
what it reports back (status and free-form metrics), and whether it may still receive data
(``delivery_block``: paused by a lead, or its owner left, was deactivated or revoked its
token). Delivering is ``deliveries``' job."""

from __future__ import annotations

import secrets
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curation.export.formats import FORMATS
from curation.models import ApiToken, Dataset, DatasetVersion, Membership, TrainingJob


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
    token: ApiToken | None = None,
) -> TrainingJob:
    """A new job; ``version=None`` follows the dataset (each new published version).

    ``token``: the API token that registered it; revoking the token stops its deliveries.
    """
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
        token=token,
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


def delivery_block(job: TrainingJob) -> str | None:
    """Why nothing may be delivered to the job now, or None: deliveries go only to jobs that a
    lead has not paused, whose owner is active and still a member of the dataset's project,
    and whose registering token (if any) is not revoked."""
    if job.paused_at is not None:
        return job.pause_reason or "Paused."
    return membership_problem(job)


def membership_problem(job: TrainingJob) -> str | None:
    """Why the job's owner may no longer receive the project's data, or None."""
    owner = job.owner
    if not owner.is_active:
        return "Its owner's account was deactivated."
    project_id = job.dataset.project_id
    if not owner.is_superuser and not Membership.objects.filter(
        project_id=project_id, user=owner
    ).exists():
        return "Its owner is no longer a member of the project."
    token = job.token
    if token is not None and token.revoked_at is not None:
        return "The API token that registered it was revoked."
    return None


def pause_job(*, job: TrainingJob, reason: str) -> TrainingJob:
    """Stop deliveries to the job, saying why (kept if it was already paused)."""
    if job.paused_at is None:
        job.paused_at = timezone.now()
        job.pause_reason = reason[:300]
        job.save(update_fields=["paused_at", "pause_reason", "updated_at"])
    return job


def resume_job(*, job: TrainingJob) -> TrainingJob:
    """Deliveries start again (from the next version); refused while the owner may not receive."""
    problem = membership_problem(job)
    if problem:
        raise TrainingJobError(f"This job cannot be resumed: {problem}")
    job.paused_at = None
    job.pause_reason = ""
    job.save(update_fields=["paused_at", "pause_reason", "updated_at"])
    return job


def remove_job(*, job: TrainingJob) -> None:
    """Delete the job and its delivery records (the files already copied stay where they are)."""
    job.delete()


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

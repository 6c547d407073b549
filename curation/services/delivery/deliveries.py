"""Feeding a training job one version: copy its files to the job's folder, POST a signed
webhook, and record the attempt, whatever happens, as a Delivery row.

The webhook body lists the files the job's format needs (its own files plus the version's
top-level ones: card, trace index, reward module), each with size, SHA-256 and download URL.
The ``X-Stepwise-Signature`` header is ``sha256=`` and the HMAC-SHA256 of the exact body bytes
under the job's secret, so a receiver can check that the body came from us unaltered.

Webhooks go through the guarded client (``webhooks``): the URL is checked again at sending, and
the record keeps the status, the time and a fixed sentence per failure, never the receiver's
body or an error text. Which failures are worth retrying: network errors, timeouts, 5xx, 408,
425 and 429 may pass; a policy refusal, a redirect or another 4xx will not, and a copy whose
bytes do not match the manifest will not match next time either. The Celery task decides when
to try again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from curation.export.manifest import MANIFEST_NAME
from curation.export.publish import publish_atomically, staging_dir
from curation.models import DatasetVersion, Delivery, TrainingJob
from curation.services.enqueue import enqueue_on_commit
from curation.services.datasets.artifacts import Artifact, version_artifacts
from curation.services.delivery import webhooks
from curation.services.delivery.training_jobs import (
    TrainingJobError, delivery_block, pause_job, storage_folder,
)
from curation.services.streams import open_stream

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Stepwise-Signature"
EVENT = "dataset.version.delivered"
MAX_BACKOFF_SECONDS = 3600.0
_COPY_CHUNK = 1 << 20
_DETAIL_CHARS = 500


class DeliveryFailed(Exception):
    """One attempt did not get through; ``retryable`` says whether trying again may help."""

    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None,
        elapsed_ms: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.elapsed_ms = elapsed_ms


def followers_of(version: DatasetVersion):
    """The jobs that want each new published version of this version's dataset (not paused)."""
    return TrainingJob.objects.filter(
        dataset_id=version.dataset_id, version__isnull=True, paused_at__isnull=True
    ).select_related("owner", "token", "dataset")


def start_delivery(*, job: TrainingJob, version: DatasetVersion) -> bool:
    """Send a published version to a training job: the delivery task goes out on commit.

    The one way the training-job page, the API and a newly published version start a delivery.
    Idempotent: while a delivery of this version to this job is pending or retrying, asking
    again starts nothing (one chain of attempts per job and version); returns whether it
    started one. A job that may not receive data (``delivery_block``) is refused.
    """
    from curation import tasks  # tasks import the services; only entry points import tasks

    problem = delivery_block(job)
    if problem:
        raise TrainingJobError(f"Nothing is delivered to this job: {problem}")
    with transaction.atomic():
        TrainingJob.objects.select_for_update().filter(pk=job.pk).exists()  # one start at a time
        if in_flight(job, version):
            return False
        Delivery.objects.create(job=job, version=version, attempt=1)  # pending: the chain's mark
    enqueue_on_commit(tasks.deliver_version, job.pk, version.pk)
    return True


def in_flight(job: TrainingJob, version: DatasetVersion) -> bool:
    """Whether a chain of attempts for this job and version is still going (its latest row is
    pending or retrying, and recent enough that its task can still be waiting)."""
    horizon = timezone.now() - timedelta(
        seconds=MAX_BACKOFF_SECONDS + 4 * settings.STEPWISE_WEBHOOK_TIMEOUT_SECONDS + 600
    )
    latest = Delivery.objects.filter(job=job, version=version).order_by("-id").first()
    return latest is not None and latest.created_at > horizon and latest.outcome in {
        Delivery.Outcome.PENDING, Delivery.Outcome.RETRYING,
    }


def feed_followers(version: DatasetVersion) -> None:
    """Hand a newly published version's deliveries to a worker: one message, however many jobs."""
    from curation import tasks  # tasks import the services; only entry points import tasks

    enqueue_on_commit(tasks.feed_followers, version.pk)


def deliver_to_followers(version: DatasetVersion) -> int:
    """One delivery per job that follows the version's dataset and may receive it; a job whose
    owner left the project, was deactivated or revoked its token is paused instead."""
    started = 0
    for job in followers_of(version):
        problem = delivery_block(job)
        if problem:
            pause_job(job=job, reason=problem)
        else:
            started += start_delivery(job=job, version=version)
    return started


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff_seconds(
    attempt: int, *, base: float | None = None, rng: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with "equal jitter": half of ``base * 2**(attempt-1)`` for sure,
    the other half at random, so retries spread out yet each wait still grows."""
    base = settings.STEPWISE_DELIVERY_BACKOFF_SECONDS if base is None else base
    ceiling = min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


def job_artifacts(job: TrainingJob, version: DatasetVersion) -> list[Artifact]:
    """The files of the job's format, and the top-level ones every consumer wants."""
    return [
        artifact
        for artifact in version_artifacts(version)
        if "/" not in artifact.path or artifact.path.startswith(f"{job.format}/")
    ]


def attempt_delivery(
    *, job: TrainingJob, version: DatasetVersion, attempt: int, final: bool
) -> Delivery:
    """Try once; the returned row says delivered, retrying (when not ``final``) or failed.

    Checked again here: a job that may no longer receive data is paused, and its attempt is
    recorded as failed with the reason, without sending anything.
    """
    delivery = _attempt_row(job, version, attempt)
    problem = delivery_block(job)
    if problem:
        pause_job(job=job, reason=problem)
        delivery.outcome = Delivery.Outcome.FAILED
        delivery.detail = f"Not delivered: {problem}"
        delivery.save(update_fields=["outcome", "detail", "attempt"])
        return delivery
    try:
        artifacts = job_artifacts(job, version)
        folder = copy_to_folder(job, version, artifacts) if job.storage_target else None
        delivery.body = webhook_body(job, version, delivery, artifacts, folder)
        if job.webhook_url:
            delivery.response_status, delivery.elapsed_ms = post_webhook(job, delivery.body)
        delivery.outcome = Delivery.Outcome.DELIVERED
    except DeliveryFailed as failure:
        delivery.outcome = (
            Delivery.Outcome.RETRYING
            if failure.retryable and not final
            else Delivery.Outcome.FAILED
        )
        delivery.response_status = failure.status
        delivery.elapsed_ms = failure.elapsed_ms
        delivery.detail = str(failure)[:_DETAIL_CHARS]
    delivery.save(
        update_fields=["attempt", "outcome", "response_status", "elapsed_ms", "detail", "body"]
    )
    return delivery


def _attempt_row(job: TrainingJob, version: DatasetVersion, attempt: int) -> Delivery:
    """The chain's pending row (made by ``start_delivery``, or left by a worker that died
    mid-attempt), else a new one."""
    pending = Delivery.objects.filter(
        job=job, version=version, outcome=Delivery.Outcome.PENDING
    ).order_by("-id").first()
    if pending is None:
        return Delivery.objects.create(job=job, version=version, attempt=attempt)
    pending.attempt = attempt
    return pending


def webhook_body(
    job: TrainingJob,
    version: DatasetVersion,
    delivery: Delivery,
    artifacts: list[Artifact],
    folder: Path | None,
) -> dict:
    dataset = version.dataset
    return {
        "event": EVENT,
        "delivery": {
            "id": delivery.pk,
            "attempt": delivery.attempt,
            "sent_at": timezone.now().isoformat(),
        },
        "job": {"id": job.pk, "name": job.name, "format": job.format},
        "dataset": {"project": dataset.project.slug, "name": dataset.name},
        "version": {
            "number": version.number,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "url": _absolute(
                reverse(
                    "api-version-detail", args=[dataset.project.slug, dataset.name, version.number]
                )
            ),
        },
        "folder": str(folder) if folder else None,
        "files": [_file_entry(version, artifact, folder) for artifact in artifacts],
    }


def _file_entry(version: DatasetVersion, artifact: Artifact, folder: Path | None) -> dict:
    dataset = version.dataset
    url = reverse(
        "api-version-file", args=[dataset.project.slug, dataset.name, version.number, artifact.path]
    )
    entry = {
        "path": artifact.path,
        "size": artifact.size,
        "sha256": artifact.sha256,
        "url": _absolute(url),
    }
    if folder is not None:
        entry["local_path"] = str(folder / artifact.path)
    return entry


def _absolute(path: str) -> str:
    return settings.STEPWISE_PUBLIC_URL + path


def encode_body(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def post_webhook(job: TrainingJob, body: dict) -> tuple[int, float]:
    """POST the signed body through the guarded client: (status, milliseconds), or
    DeliveryFailed whose message is the failure's category sentence, never the peer's words."""
    payload = encode_body(body)
    headers = {
        SIGNATURE_HEADER: sign(payload, job.secret),
        "X-Stepwise-Event": EVENT,
        "X-Stepwise-Delivery": str(body["delivery"]["id"]),
    }
    result = webhooks.post(job.webhook_url, payload, headers)
    if result.ok:
        return result.status, result.elapsed_ms
    raise DeliveryFailed(
        result.message,
        retryable=webhooks.retryable(result),
        status=result.status,
        elapsed_ms=result.elapsed_ms,
    )


def copy_to_folder(job: TrainingJob, version: DatasetVersion, artifacts: list[Artifact]) -> Path:
    """Copy the files into ``<target>/<project>/<dataset>/v<N>``, checking every SHA-256.

    The folder appears whole or not at all (built beside it, then renamed), so a trainer
    watching for it never reads half a version, and a later attempt finds it done.
    """
    dataset = version.dataset
    folder = (
        storage_folder(job.storage_target)
        / dataset.project.slug
        / dataset.name
        / f"v{version.number}"
    )
    if (folder / MANIFEST_NAME).exists():
        return folder
    try:
        with staging_dir(folder) as staging:
            for artifact in artifacts:
                _copy_verified(artifact, staging / artifact.path)
            (staging / MANIFEST_NAME).write_text(_manifest_text(version), encoding="utf-8")
            publish_atomically(staging, folder)
    except FileExistsError:  # a concurrent attempt finished first: same files, same checksums
        pass
    except OSError as error:
        # The OS's words (paths, errno texts) go to the log; the record says what failed.
        log.warning("copying %s to %s failed: %s", version, folder, error)
        raise DeliveryFailed("could not copy the files to the storage target", retryable=True) from error
    return folder


def _copy_verified(artifact: Artifact, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with (
        open_stream(storages["datasets"], artifact.storage_name) as source,
        open(destination, "wb") as out,
    ):
        while chunk := source.read(_COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != artifact.sha256:
        raise DeliveryFailed(
            f"{artifact.path}: stored bytes do not match the manifest's SHA-256", retryable=False
        )


def _manifest_text(version: DatasetVersion) -> str:
    # The same serialization as curation.export.manifest, so the copy is byte-identical.
    return json.dumps(version.manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

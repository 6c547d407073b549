"""Retries through a real `celery worker` process: the countdown is waited, each attempt is a
row, and the receiver on loopback gets a correctly signed body every time."""

from __future__ import annotations

import time

import pytest

from curation.models import Delivery
from curation.services.delivery.training_jobs import register_job
from tests.api.conftest import SECRET

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BACKOFF_BASE = 0.4  # seconds: attempt 2 waits 0.2-0.4 s, attempt 3 waits 0.4-0.8 s


@pytest.fixture
def delivery_worker(request, monkeypatch, datasets_root, settings):
    """The worker process, told where the versions are and to back off briefly."""
    monkeypatch.setenv("STEPWISE_DATASETS_ROOT", str(datasets_root))
    monkeypatch.setenv("STEPWISE_DELIVERY_BACKOFF_SECONDS", str(BACKOFF_BASE))
    monkeypatch.setenv("STEPWISE_DELIVERY_ROOT", str(settings.STEPWISE_DELIVERY_ROOT))
    return request.getfixturevalue("worker")


def wait_for_delivery(job, timeout: float = 60) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        attempts = list(Delivery.objects.filter(job=job).order_by("attempt"))
        if attempts and attempts[-1].outcome in {"delivered", "failed"}:
            return attempts
        time.sleep(0.2)
    pytest.fail(f"no final delivery within {timeout} s")


def test_a_worker_retries_a_failing_webhook_with_backoff(
    delivery_worker, eager_celery, receiver, lead, version
):
    from curation.tasks import deliver_version

    eager_celery.conf.task_always_eager = False
    receiver.statuses = [500, 502]
    job = register_job(
        owner=lead, dataset=version.dataset, name="grpo", webhook_url=receiver.url, secret=SECRET
    )

    deliver_version.apply_async(args=[job.pk, version.pk], queue=delivery_worker)
    attempts = wait_for_delivery(job)

    assert [(a.attempt, a.outcome) for a in attempts] == [
        (1, "retrying"),
        (2, "retrying"),
        (3, "delivered"),
    ]
    gaps = [
        (later.created_at - earlier.created_at).total_seconds()
        for earlier, later in zip(attempts, attempts[1:], strict=False)
    ]
    assert gaps[0] >= BACKOFF_BASE / 2 and gaps[1] >= BACKOFF_BASE
    assert all(receiver.signature_ok(hit) for hit in receiver.received)

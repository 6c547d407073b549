"""Feeding training jobs: a signed webhook to a real receiver, retries, copies to a folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from curation.models import Delivery, TrainingJob
from curation.services.delivery import deliveries
from curation.services.delivery.training_jobs import register_job
from curation.signals import version_published
from curation.tasks import deliver_version
from tests.api.conftest import SECRET, publish_version


@pytest.fixture
def follower(lead, dataset, receiver) -> TrainingJob:
    return register_job(
        owner=lead,
        dataset=dataset,
        name="grpo",
        format="srl",
        webhook_url=receiver.url,
        secret=SECRET,
    )


def test_publishing_a_version_posts_a_signed_webhook_to_followers(
    follower, receiver, dataset, django_capture_on_commit_callbacks
):
    version = publish_version(dataset, 1)

    with django_capture_on_commit_callbacks(execute=True):
        version_published.send(sender=type(version), version=version)

    assert len(receiver.received) == 1
    assert receiver.signature_ok(receiver.received[0])


def test_the_webhook_lists_the_formats_files_with_urls_and_checksums(follower, receiver, version):
    deliver_version.delay(follower.pk, version.pk)

    files = {f["path"]: f for f in receiver.received[0].json["files"]}
    assert set(files) == {
        p for p in version.manifest["files"] if p.startswith("srl/") or "/" not in p
    }
    entry = files["srl/data/train-00000-of-00001.parquet"]
    assert (
        entry["sha256"]
        == version.manifest["files"]["srl/data/train-00000-of-00001.parquet"]["sha256"]
    )
    assert entry["url"].endswith("/versions/1/files/srl/data/train-00000-of-00001.parquet")


def test_a_tampered_body_fails_the_signature(follower, receiver, version):
    deliver_version.delay(follower.pk, version.pk)
    hit = receiver.received[0]

    hit.body = hit.body.replace(b'"number":1', b'"number":2')

    assert not receiver.signature_ok(hit)


def test_a_delivery_that_fails_twice_then_succeeds_records_three_attempts(
    follower, receiver, version
):
    receiver.statuses = [500, 503]

    deliver_version.delay(follower.pk, version.pk)

    attempts = Delivery.objects.filter(job=follower).order_by("attempt")
    assert [(d.attempt, d.outcome, d.response_status) for d in attempts] == [
        (1, "retrying", 500),
        (2, "retrying", 503),
        (3, "delivered", 200),
    ]
    assert all(receiver.signature_ok(hit) for hit in receiver.received)


def test_a_refusal_is_not_retried(follower, receiver, version):
    receiver.statuses = [403]

    deliver_version.delay(follower.pk, version.pk)

    assert [(d.attempt, d.outcome) for d in Delivery.objects.filter(job=follower)] == [
        (1, "failed")
    ]


def test_the_last_attempt_fails_for_good(settings, follower, receiver, version):
    settings.STEPWISE_DELIVERY_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500, 500]

    deliver_version.delay(follower.pk, version.pk)

    outcomes = list(
        Delivery.objects.filter(job=follower).order_by("attempt").values_list("outcome", flat=True)
    )
    assert outcomes == ["retrying", "failed"]


def test_an_unreachable_webhook_is_retried_and_says_only_connection_error(
    settings, loopback_allowed, lead, dataset, version
):
    settings.STEPWISE_DELIVERY_MAX_ATTEMPTS = 2
    job = register_job(
        owner=lead, dataset=dataset, name="x", webhook_url="http://127.0.0.1:9/nothing"
    )

    deliver_version.delay(job.pk, version.pk)

    first = Delivery.objects.get(job=job, attempt=1)
    assert first.outcome == "retrying"
    # The category's fixed sentence: no "Connection refused" to map the network with.
    assert first.detail == "could not deliver: connection error"


def test_a_job_on_another_dataset_is_not_fed(
    lead, dataset, other_dataset, receiver, django_capture_on_commit_callbacks
):
    register_job(owner=lead, dataset=other_dataset, name="other", webhook_url=receiver.url)
    version = publish_version(dataset, 1)

    with django_capture_on_commit_callbacks(execute=True):
        version_published.send(sender=type(version), version=version)

    assert receiver.received == []


def test_a_job_on_a_fixed_version_is_not_fed_new_versions(
    lead, dataset, receiver, django_capture_on_commit_callbacks
):
    register_job(
        owner=lead,
        dataset=dataset,
        name="pinned",
        webhook_url=receiver.url,
        version=publish_version(dataset, 1),
    )
    version = publish_version(dataset, 2)

    with django_capture_on_commit_callbacks(execute=True):
        version_published.send(sender=type(version), version=version)

    assert receiver.received == []


def test_a_storage_target_receives_the_files_with_their_checksums(settings, lead, dataset, version):
    job = register_job(
        owner=lead, dataset=dataset, name="copy", format="prm", storage_target="team/runs"
    )

    deliver_version.delay(job.pk, version.pk)

    folder = Path(settings.STEPWISE_DELIVERY_ROOT) / "team/runs/alpha/gsm-steps/v1"
    copied = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert copied == {p for p in version.manifest["files"] if p.startswith("prm/") or "/" not in p}
    for path in copied:
        assert (
            hashlib.sha256((folder / path).read_bytes()).hexdigest()
            == version.manifest["files"][path]["sha256"]
        )


def test_a_second_delivery_to_the_same_folder_keeps_the_first_copy(
    settings, lead, dataset, version
):
    job = register_job(owner=lead, dataset=dataset, name="copy", storage_target="runs")
    deliver_version.delay(job.pk, version.pk)

    deliver_version.delay(job.pk, version.pk)

    assert list(Delivery.objects.filter(job=job).values_list("outcome", flat=True)) == [
        "delivered",
        "delivered",
    ]


def test_the_webhook_names_the_folder_the_files_were_copied_to(
    settings, lead, dataset, version, receiver
):
    job = register_job(
        owner=lead, dataset=dataset, name="both", webhook_url=receiver.url, storage_target="runs"
    )

    deliver_version.delay(job.pk, version.pk)

    body = receiver.received[0].json
    assert body["folder"] == str(Path(settings.STEPWISE_DELIVERY_ROOT) / "runs/alpha/gsm-steps/v1")
    assert all(Path(f["local_path"]).is_file() for f in body["files"])


def test_backoff_doubles_each_attempt_within_its_jitter():
    low = [deliveries.backoff_seconds(n, base=10, rng=lambda: 0.0) for n in (1, 2, 3)]
    high = [deliveries.backoff_seconds(n, base=10, rng=lambda: 1.0) for n in (1, 2, 3)]

    assert low == [5, 10, 20] and high == [10, 20, 40]


def test_backoff_is_capped():
    assert (
        deliveries.backoff_seconds(30, base=10, rng=lambda: 1.0) == deliveries.MAX_BACKOFF_SECONDS
    )

"""End to end with the dataset builder: publishing a built version feeds the jobs that follow
the dataset, and the files the webhook lists download with the checksums it names."""

from __future__ import annotations

import hashlib

import pytest

from curation.models import Delivery
from curation.services.datasets.build import build_version, start_build
from curation.services.datasets.spec import BuildSpec
from curation.services.delivery.training_jobs import register_job
from tests.api.conftest import SECRET, streamed
from tests.factories import add_segmentation, add_trace


@pytest.fixture
def segmented(project):
    return [add_segmentation(add_trace(project, n)) for n in range(4)]


def test_a_built_version_is_delivered_to_its_followers(
    lead, lead_client, dataset, segmented, receiver, django_capture_on_commit_callbacks
):
    job = register_job(
        owner=lead, dataset=dataset, name="follow", webhook_url=receiver.url, secret=SECRET
    )

    with django_capture_on_commit_callbacks(execute=True):
        version = build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))

    assert Delivery.objects.get(job=job).outcome == Delivery.Outcome.DELIVERED
    body = receiver.received[0].json
    assert (
        receiver.signature_ok(receiver.received[0]) and body["version"]["number"] == version.number
    )
    for entry in body["files"]:
        downloaded = streamed(lead_client.get(entry["url"].removeprefix("http://testserver")))
        assert hashlib.sha256(downloaded).hexdigest() == entry["sha256"]

"""API test data: a dataset with a published version built by the export core into a private
datasets storage, tokens of every kind, and clients that send them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.utils import timezone
from rest_framework.test import APIClient

from curation.export import BuildOptions, build_artifacts
from curation.models import ApiToken, Dataset, DatasetVersion
from curation.services.people import tokens
from tests.api.webhook_receiver import WebhookReceiver
from tests.factories import solution_trace, text_trace


@pytest.fixture(autouse=True)
def private_datasets_storage(datasets_root) -> Path:
    """Every test publishes into its own folder (the root conftest's ``datasets_root``)."""
    return datasets_root


@pytest.fixture(autouse=True)
def api_settings(settings, tmp_path):
    cache.clear()  # throttling counts live in the cache: each test starts with none
    settings.STEPWISE_API_RATES = {"user": "", "anon": ""}  # throttling has its own tests
    settings.STEPWISE_DELIVERY_ROOT = tmp_path / "deliveries"
    settings.STEPWISE_PUBLIC_URL = "http://testserver"


@pytest.fixture(autouse=True)
def eager_retries(eager_celery):
    """Let eager tasks retry: with errors propagating, Celery raises a task's Retry to the caller
    instead of running the retry inline (a real worker queues it with its countdown)."""
    eager_celery.conf.task_eager_propagates = False
    yield eager_celery
    eager_celery.conf.task_eager_propagates = True


def export_traces(count: int = 6) -> list:
    """Distinct problems, so the splits are not all empty."""
    return [
        solution_trace(trace_id=n, problem=f"Solve x + {n} = {n + 2}.") for n in range(1, count + 1)
    ]


def publish_version(
    dataset: Dataset,
    number: int,
    traces: list | None = None,
    containers: tuple[str, ...] = ("jsonl", "parquet"),
) -> DatasetVersion:
    """Build with the export core straight into the storage, then record it as published."""
    relative = f"{dataset.project.slug}/{dataset.name}/v{number}"
    out = Path(storages["datasets"].path(relative))
    options = BuildOptions(version=number, dataset_name=dataset.name)
    build_artifacts(traces or export_traces(), out, ("srl", "prm"), containers, options)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        status=DatasetVersion.Status.PUBLISHED,
        spec={"formats": ["srl", "prm"]},
        manifest=manifest,
        path=relative,
        published_at=timezone.now(),
    )


@pytest.fixture
def dataset(project) -> Dataset:
    return Dataset.objects.create(project=project, name="gsm-steps", license="mit")


@pytest.fixture
def version(dataset) -> DatasetVersion:
    return publish_version(dataset, 1)


@pytest.fixture
def other_dataset(other_project) -> Dataset:
    return Dataset.objects.create(project=other_project, name="secret-steps")


@pytest.fixture
def other_version(other_dataset) -> DatasetVersion:
    return publish_version(other_dataset, 1, [text_trace(["a.", "b."], trace_id=9)])


SECRET = "a-secret-only-the-trainer-knows"


@pytest.fixture
def receiver() -> WebhookReceiver:
    """A webhook receiver on loopback; signatures are checked with SECRET."""
    receiver = WebhookReceiver(secret=SECRET)
    server, receiver.url = receiver.serve()
    yield receiver
    server.shutdown()
    server.server_close()


def token_for(user, scope: str = ApiToken.Scope.READ, project=None) -> str:
    return tokens.create_token(user=user, name="test", scope=scope, project=project)[1]


def client_with(raw_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


@pytest.fixture
def lead_client(lead) -> APIClient:
    """The project's lead with a read token."""
    return client_with(token_for(lead))


@pytest.fixture
def lead_writer(lead) -> APIClient:
    """The project's lead with a write token."""
    return client_with(token_for(lead, ApiToken.Scope.WRITE))


def versions_url(project_slug: str = "alpha", dataset_name: str = "gsm-steps") -> str:
    return f"/api/v1/projects/{project_slug}/datasets/{dataset_name}/versions/"


def file_url(version: DatasetVersion, path: str) -> str:
    return (
        versions_url(version.dataset.project.slug, version.dataset.name)
        + f"{version.number}/files/{path}"
    )


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content

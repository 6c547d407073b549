"""Building a version: numbered, frozen, published whole, announced once."""
from __future__ import annotations

import hashlib
import json

import pytest

from curation.models import DatasetVersion
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build
from curation.signals import version_published

pytestmark = pytest.mark.django_db

AUTO = BuildSpec(source="auto")


def build(dataset, spec: BuildSpec = AUTO) -> DatasetVersion:
    return build_version(start_build(dataset=dataset, spec=spec))


def test_a_build_publishes_the_version_under_its_number(dataset, auto_traces, datasets_root):
    version = build(dataset)

    assert version.status == DatasetVersion.Status.PUBLISHED
    assert version.number == 1 and version.path == "alpha/gsm-steps/v1"
    assert (datasets_root / "alpha/gsm-steps/v1/manifest.json").is_file()
    assert version.published_at is not None


def test_the_row_keeps_the_manifest_of_the_files(dataset, auto_traces, datasets_root):
    version = build(dataset)

    on_disk = json.loads((datasets_root / version.path / "manifest.json").read_text())
    assert version.manifest == on_disk
    srl = (datasets_root / version.path / "srl/data/train-00000-of-00001.jsonl").read_bytes()
    assert version.manifest["files"]["srl/data/train-00000-of-00001.jsonl"]["sha256"] == (
        hashlib.sha256(srl).hexdigest())


def test_progress_counts_every_trace_read(dataset, auto_traces):
    version = build(dataset)

    assert version.traces_done == version.traces_total == 5
    assert version.message.startswith("5 traces, ")


def test_each_build_takes_the_next_number(dataset, auto_traces):
    assert [build(dataset).number for _ in range(3)] == [1, 2, 3]


def test_the_spec_is_stored_with_the_version(dataset, auto_traces):
    spec = BuildSpec(source="auto", formats=("steps", "srl"), ratings="no-negative")

    version = build(dataset, spec)

    assert BuildSpec.from_json(version.spec) == spec
    assert version.manifest["formats"] == ["srl", "steps"]


def test_an_empty_selection_still_publishes_a_version(dataset, project):
    version = build(dataset)

    assert version.status == DatasetVersion.Status.PUBLISHED
    assert version.manifest["traces"] == {}


def test_publishing_sends_version_published_once(
    dataset, auto_traces, django_capture_on_commit_callbacks
):
    received = []

    def on_published(sender, version, **kwargs):
        received.append(version.pk)

    version_published.connect(on_published)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            version = build(dataset)
    finally:
        version_published.disconnect(on_published)

    assert received == [version.pk]


def test_the_celery_task_builds_the_version(dataset, auto_traces):
    from curation.tasks import build_dataset_version

    version = start_build(dataset=dataset, spec=AUTO)

    assert build_dataset_version.delay(version.pk).get() == "published"
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.PUBLISHED


def test_a_published_version_loads_with_the_datasets_library(dataset, auto_traces, datasets_root):
    from datasets import load_dataset

    version = build(dataset, BuildSpec(source="auto", split_ratios=(1.0, 0.0, 0.0)))

    srl = load_dataset(str(datasets_root / version.path), "srl", split="train")
    assert len(srl) == 15 and srl[0]["version"] == 1

"""A build that fails, is interrupted or is killed leaves no half version behind."""
from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import InMemoryStorage
from django.utils import timezone

from curation.models import DatasetVersion, Step
from curation.services.datasets import build as datasets_service
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, fail_abandoned_builds, start_build

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

AUTO = BuildSpec(source="auto")


def leftovers(root) -> list[str]:
    """Everything under the datasets storage, relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


def test_a_failing_build_marks_the_version_failed_with_the_reason(dataset, auto_traces):
    broken = add_segmentation(add_trace(dataset.project, 99))
    Step.objects.filter(segmentation=broken, position=2).update(end=10_000)

    version = build_version(start_build(dataset=dataset, spec=AUTO))

    assert version.status == DatasetVersion.Status.FAILED
    assert "trace" in version.message and "outside" in version.message


def test_a_failing_build_leaves_no_files(dataset, auto_traces, datasets_root):
    broken = add_segmentation(add_trace(dataset.project, 99))
    Step.objects.filter(segmentation=broken, position=2).update(end=10_000)

    build_version(start_build(dataset=dataset, spec=AUTO))

    assert leftovers(datasets_root) in ([], ["alpha", "alpha/gsm-steps"])


def test_an_interrupted_build_is_failed_cleaned_and_stops_the_caller(
    dataset, auto_traces, datasets_root, monkeypatch
):
    def interrupted(chosen, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(datasets_service, "export_traces", interrupted)
    version = start_build(dataset=dataset, spec=AUTO)

    with pytest.raises(KeyboardInterrupt):
        build_version(version)

    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.FAILED
    assert leftovers(datasets_root) in ([], ["alpha", "alpha/gsm-steps"])


def test_a_killed_build_is_failed_once_past_the_time_limit(dataset, settings):
    settings.STEPWISE_BUILD_TIME_LIMIT = 60
    version = start_build(dataset=dataset, spec=AUTO)
    DatasetVersion.objects.filter(pk=version.pk).update(
        created_at=timezone.now() - timedelta(seconds=61))

    assert fail_abandoned_builds() == 1
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.FAILED
    assert version.message.startswith("Abandoned")


def test_a_killed_build_s_staging_directory_is_removed(dataset, settings, datasets_root):
    settings.STEPWISE_BUILD_TIME_LIMIT = 60
    version = start_build(dataset=dataset, spec=AUTO)
    DatasetVersion.objects.filter(pk=version.pk).update(
        created_at=timezone.now() - timedelta(seconds=61))
    staging = datasets_root / "alpha/gsm-steps/.v1.k1ll3d.tmp"
    (staging / "srl/data").mkdir(parents=True)
    (staging / "srl/data/train-00000-of-00001.jsonl").write_text("{}\n")
    os.utime(staging, (time.time() - 120, time.time() - 120))

    fail_abandoned_builds()

    assert not staging.exists()


def test_a_running_build_is_not_taken_for_a_killed_one(dataset, settings):
    settings.STEPWISE_BUILD_TIME_LIMIT = 3600
    version = start_build(dataset=dataset, spec=AUTO)

    assert fail_abandoned_builds() == 0
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.BUILDING


def test_a_build_failed_meanwhile_is_not_published(dataset, auto_traces, datasets_root):
    version = start_build(dataset=dataset, spec=AUTO)
    DatasetVersion.objects.filter(pk=version.pk).update(status=DatasetVersion.Status.FAILED)

    build_version(version)

    assert version.status == DatasetVersion.Status.FAILED
    assert not (datasets_root / version.path).exists()
    assert leftovers(datasets_root) in ([], ["alpha", "alpha/gsm-steps"])


def test_a_published_version_cannot_be_changed(dataset, auto_traces):
    version = build_version(start_build(dataset=dataset, spec=AUTO))

    version.message = "edited"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    with pytest.raises(ValueError, match="immutable"):
        version.delete()


def test_building_a_published_version_again_changes_nothing(dataset, auto_traces, datasets_root):
    version = build_version(start_build(dataset=dataset, spec=AUTO))
    manifest = (datasets_root / version.path / "manifest.json").read_bytes()
    add_segmentation(add_trace(dataset.project, 50))

    build_version(version)

    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.PUBLISHED
    assert (datasets_root / version.path / "manifest.json").read_bytes() == manifest


class RecordingStorage(InMemoryStorage):
    """A storage without local paths (like S3) that remembers the order of uploads."""

    saved: list[str] = []

    def _save(self, name, content):
        RecordingStorage.saved.append(name)
        return super()._save(name, content)


@pytest.fixture
def remote_storage(settings):
    RecordingStorage.saved = []
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": f"{__name__}.RecordingStorage"},
    }
    return RecordingStorage


def test_a_remote_storage_receives_the_manifest_last(dataset, auto_traces, remote_storage):
    version = build_version(start_build(dataset=dataset, spec=AUTO))

    assert version.status == DatasetVersion.Status.PUBLISHED
    assert remote_storage.saved[-1] == "alpha/gsm-steps/v1/manifest.json"
    assert len(remote_storage.saved) == len(version.manifest["files"]) + 1


class FailingStorage(RecordingStorage):
    """A remote storage whose connection drops on the fourth upload."""

    def _save(self, name, content):
        if len(RecordingStorage.saved) == 3:
            raise OSError("connection reset by peer")
        return super()._save(name, content)


def test_a_failed_upload_leaves_no_files_in_a_remote_storage(dataset, auto_traces, settings):
    from django.core.files.storage import storages

    RecordingStorage.saved = []
    settings.STORAGES = {**settings.STORAGES, "datasets": {"BACKEND": f"{__name__}.FailingStorage"}}

    version = build_version(start_build(dataset=dataset, spec=AUTO))

    assert version.status == DatasetVersion.Status.FAILED and "connection reset" in version.message
    assert len(RecordingStorage.saved) == 3
    assert not any(storages["datasets"].exists(name) for name in RecordingStorage.saved)

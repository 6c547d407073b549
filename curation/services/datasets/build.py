"""Dataset versions: create one, build it, publish it or fail it. The one code path behind the
builder page, ``manage.py build_dataset`` and the Celery task.

A build is one pass inside one read transaction (REPEATABLE READ on PostgreSQL): the selection,
the chosen segmentations and their steps come from a single snapshot, which is what freezes the
version, and stream through the export core into a staging directory. Publishing then checks,
with the version's row locked, that it is still 'building', moves the files into place and
marks it published in that same transaction. Anything that goes wrong leaves no files and a
'failed' row that says why; a build killed outright is failed by ``fail_abandoned_builds``.
"""
from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from curation.export import BuildResult, build_artifacts
from curation.export.manifest import MANIFEST_NAME
from curation.models import Dataset, DatasetVersion, Project
from curation.services.datasets import storage as dataset_storage
from curation.services.datasets.estimate import check_build_size, max_build_bytes
from curation.services.datasets.progress import BuildProgress
from curation.services.datasets.reader import export_traces
from curation.services.datasets.selection import chosen_segmentations
from curation.services.datasets.spec import BuildSpec
from curation.services.enqueue import enqueue_on_commit
from curation.signals import version_published

log = logging.getLogger(__name__)

Status = DatasetVersion.Status
ProgressCallback = Callable[[int, int], None]  # (traces done, traces total)


class BuildAbandoned(Exception):
    """The version stopped being 'building' (failed meanwhile) before this build could publish."""


def build_time_limit() -> int:
    """Seconds a build may take; a version still building after that was killed."""
    return settings.STEPWISE_BUILD_TIME_LIMIT


def create_dataset(
    *, project: Project, name: str, description: str = "", license: str = "other",
    srl_system_prompt: str | None = None,
) -> Dataset:
    dataset = Dataset(project=project, name=name, description=description, license=license)
    if srl_system_prompt is not None:
        dataset.srl_system_prompt = srl_system_prompt
    dataset.full_clean()
    dataset.save()
    return dataset


def start_build(
    *, dataset: Dataset, spec: BuildSpec, user=None, max_bytes: int | None = None
) -> DatasetVersion:
    """Number and record a new version of ``dataset``; the build itself runs later.

    Refused with ``BuildTooLarge`` (nothing recorded) when its estimated size is above
    ``max_bytes``, by default the operator's ``STEPWISE_MAX_BUILD_BYTES``."""
    check_build_size(dataset, spec, max_bytes=max_build_bytes(max_bytes))
    fail_abandoned_builds(dataset=dataset)
    total = chosen_segmentations(dataset.project, spec).count()
    with transaction.atomic():
        # One numbering at a time per dataset: the row lock orders concurrent starts.
        Dataset.objects.select_for_update().filter(pk=dataset.pk).exists()
        number = next_number(dataset)
        return DatasetVersion.objects.create(
            dataset=dataset,
            number=number,
            spec=spec.to_json(),
            path=dataset_storage.version_path(dataset.project.slug, dataset.name, number),
            traces_total=total,
            created_by=user,
        )


def start_dataset_build(
    *, dataset: Dataset, spec: BuildSpec, user=None, max_bytes: int | None = None
) -> DatasetVersion:
    """Record a new version and enqueue its build on commit.

    The one way the builder page, ``build_dataset --enqueue`` and the API start a build.
    """
    from curation import tasks  # tasks import the services; only entry points import tasks

    version = start_build(dataset=dataset, spec=spec, user=user, max_bytes=max_bytes)
    enqueue_on_commit(tasks.build_dataset_version, version.pk)
    return version


def next_number(dataset: Dataset) -> int:
    """The number the dataset's next version gets."""
    return (dataset.versions.aggregate(last=Max("number"))["last"] or 0) + 1


def requeue_build(version: DatasetVersion, *, stale_before) -> bool:
    """Hand a build whose worker died back to the workers (the reaper's way); False when its
    heartbeat came back meanwhile. The next attempt starts over from an empty staging folder."""
    from curation import tasks  # tasks import the services; only entry points import tasks

    requeued = DatasetVersion.objects.filter(
        pk=version.pk, status=Status.BUILDING, heartbeat_at__lt=stale_before
    ).update(task_id="", heartbeat_at=timezone.now())
    if requeued:
        enqueue_on_commit(tasks.build_dataset_version, version.pk)
    return bool(requeued)


def fail_lost_build(version: DatasetVersion, message: str) -> int:
    """Fail a build for good (its workers kept dying) and remove what it left; 1, or 0."""
    failed = _fail(version, message)
    if failed:
        clear_staging(version)
    return failed


def clear_staging(version: DatasetVersion) -> int:
    """Remove every staging folder of this version: a build that starts over (its earlier
    attempt was killed) begins from nothing, and a failed one leaves nothing behind."""
    return dataset_storage.remove_stale_staging(version.path, older_than_seconds=-1)


def build_version(
    version: DatasetVersion, *, on_progress: ProgressCallback | None = None
) -> DatasetVersion:
    """Build and publish a 'building' version. Errors mark it failed and are not raised (a
    worker survives any data); an interrupt (Ctrl-C, a worker's shutdown) fails it, then stops."""
    started = time.monotonic()
    try:
        _build_and_publish(version, on_progress, started)
    except BuildAbandoned as exc:
        log.warning("%s", exc)
    except Exception as exc:
        log.exception("building %s failed", version)
        _fail(version, f"Build failed: {type(exc).__name__}: {exc}")
    except BaseException:
        _fail(version, "Build interrupted.")
        raise
    version.refresh_from_db()
    return version


def fail_abandoned_builds(*, dataset: Dataset | None = None) -> int:
    """Fail the versions still 'building' past the time limit (their build was killed) and
    delete what those builds left behind; return how many."""
    limit = build_time_limit()
    stale = DatasetVersion.objects.filter(
        status=Status.BUILDING, created_at__lt=timezone.now() - timedelta(seconds=limit)
    ).filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=timezone.now() - timedelta(seconds=limit)))
    if dataset is not None:
        stale = stale.filter(dataset=dataset)
    failed = 0
    for version in stale:
        failed += _fail(version, f"Abandoned: the build did not finish within {limit} s.")
        dataset_storage.remove_stale_staging(version.path, older_than_seconds=limit)
    return failed


def _build_and_publish(
    version: DatasetVersion, on_progress: ProgressCallback | None, started: float
) -> None:
    spec = BuildSpec.from_json(version.spec)
    options = spec.build_options(dataset=version.dataset, number=version.number)
    with dataset_storage.staging_for(version.path) as staging:
        with BuildProgress(version, on_progress) as progress, _snapshot():
            chosen = chosen_segmentations(version.dataset.project, spec)
            progress.begin(chosen.count())
            traces = progress.counting(export_traces(chosen, labels=spec.label_sources))
            result = build_artifacts(traces, staging, spec.formats, spec.containers, options)
        _publish(version, staging, result, time.monotonic() - started)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read transaction for the whole build: a consistent snapshot of what it reads, and
    a server-side cursor without WITH HOLD on PostgreSQL."""
    nested = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _publish(version: DatasetVersion, staging: Path, result: BuildResult, seconds: float) -> None:
    manifest = orjson.loads((staging / MANIFEST_NAME).read_bytes())
    names = [*result.files, MANIFEST_NAME]
    with transaction.atomic():
        current = DatasetVersion.objects.select_for_update().get(pk=version.pk)
        if current.status != Status.BUILDING:
            raise BuildAbandoned(f"{version} is {current.status}: its build is not published")
        dataset_storage.publish_files(staging, version.path)
        try:
            _mark_published(version, manifest, result, seconds)
        except BaseException:
            dataset_storage.remove_files(version.path, names)  # the row never said published
            raise
        transaction.on_commit(partial(_announce, version.pk))


def _mark_published(
    version: DatasetVersion, manifest: dict, result: BuildResult, seconds: float
) -> None:
    traces = sum(result.traces.values())
    DatasetVersion.objects.filter(pk=version.pk, status=Status.BUILDING).update(
        status=Status.PUBLISHED,
        manifest=manifest,
        published_at=timezone.now(),
        traces_done=traces + result.dropped_traces,
        traces_total=traces + result.dropped_traces,
        message=_summary(result, seconds),
    )


def _summary(result: BuildResult, seconds: float) -> str:
    rows = sum(result.rows.values())
    dropped = result.dropped_traces
    left_out = f", {dropped} left out by the rating rule" if dropped else ""
    return f"{sum(result.traces.values())} traces, {rows} rows{left_out} in {seconds:.1f} s."


def _announce(version_id: int) -> None:
    version = DatasetVersion.objects.select_related("dataset__project").get(pk=version_id)
    version_published.send(sender=DatasetVersion, version=version)


def _fail(version: DatasetVersion, message: str) -> int:
    """Mark a building version failed; a published (or already failed) one is left alone."""
    return DatasetVersion.objects.filter(pk=version.pk, status=Status.BUILDING).update(
        status=Status.FAILED, message=message[:2000]
    )


def version_files(version: DatasetVersion) -> list[dict]:
    """The published files with their size and SHA-256, manifest first, then by path."""
    files = [{"path": MANIFEST_NAME, "size": None, "sha256": ""}]
    for path, entry in sorted(version.manifest.get("files", {}).items()):
        files.append({"path": path, "size": entry["size"], "sha256": entry["sha256"]})
    return files


def file_names(version: DatasetVersion) -> list[str]:
    return [entry["path"] for entry in version_files(version)]


def is_published_file(version: DatasetVersion, name: str) -> bool:
    """Whether ``name`` is one of the version's files (what a download may ask for)."""
    return version.status == Status.PUBLISHED and name in set(file_names(version))


def copy_published(version: DatasetVersion, out_dir: Path) -> Path:
    """A copy of a published version's files in a local directory (``build_dataset --out``)."""
    return dataset_storage.copy_version(version.path, file_names(version), out_dir)


def manifest_location(version: DatasetVersion) -> str:
    return dataset_storage.file_location(version.path, MANIFEST_NAME)


def verify_version(version: DatasetVersion) -> list[str]:
    """Build a published version's spec again, with its number, from the database as it is now,
    and return the files whose SHA-256 differs from the manifest's (none: it reproduces)."""
    spec = BuildSpec.from_json(version.spec)
    options = spec.build_options(dataset=version.dataset, number=version.number)
    with tempfile.TemporaryDirectory(prefix="stepwise-verify-") as tmp, _snapshot():
        chosen = chosen_segmentations(version.dataset.project, spec)
        result = build_artifacts(export_traces(chosen, labels=spec.label_sources), tmp, spec.formats, spec.containers, options)
    published = version.manifest.get("files", {})
    rebuilt = {path: digest.sha256 for path, digest in result.files.items()}
    paths = sorted(set(published) | set(rebuilt))
    return [p for p in paths if published.get(p, {}).get("sha256") != rebuilt.get(p)]

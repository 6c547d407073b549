"""Where version files live: the ``datasets`` storage, local or remote.

Local (``FileSystemStorage``): a build writes into a staging directory beside the version's
final directory, and publishing is one atomic rename (the export core's
``publish_atomically``), so a reader sees the whole version or nothing.
Remote (S3 through django-storages, or any storage that is not a ``FileSystemStorage``): the
build writes to a local temporary directory, then every file is uploaded with ``manifest.json``
last. Readers find versions through their database row, which turns 'published' only after the
upload, so a half-uploaded version is never offered.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from curation.export import publish_atomically, staging_dir
from curation.export.manifest import MANIFEST_NAME
from curation.services.streams import open_stream

STORAGE_ALIAS = "datasets"


def datasets_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def local_root(storage: Storage | None = None) -> Path | None:
    """The storage's directory on this machine, or None for any other storage.

    Decided by class, not by ``path()``: some storages (InMemoryStorage) answer ``path()``
    with a directory they never write to.
    """
    storage = storage or datasets_storage()
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(""))
    return None


def version_path(project_slug: str, dataset_name: str, number: int) -> str:
    """A version's folder, relative to the storage."""
    return f"{project_slug}/{dataset_name}/v{number}"


@contextmanager
def staging_for(relative: str) -> Iterator[Path]:
    """An empty directory to build a version in; gone afterwards unless it was published."""
    root = local_root()
    if root is not None:
        # Beside the final directory: the same filesystem, so publishing is a rename.
        with staging_dir(root / relative) as tmp:
            try:
                yield tmp
            finally:
                shutil.rmtree(tmp, ignore_errors=True)  # a no-op once renamed away
        return
    tmp = Path(tempfile.mkdtemp(prefix="stepwise-build-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish_files(staging: Path, relative: str) -> None:
    """Make a finished build visible under ``relative``; never replaces a published one."""
    storage = datasets_storage()
    root = local_root(storage)
    if root is not None:
        publish_atomically(staging, root / relative)
        return
    if storage.exists(f"{relative}/{MANIFEST_NAME}"):
        raise FileExistsError(f"{relative} exists: a published version is never replaced")
    paths = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    paths.sort(key=lambda path: path == MANIFEST_NAME)  # the manifest last: it marks completion
    uploaded: list[str] = []
    try:
        for path in paths:
            _upload(storage, staging / path, f"{relative}/{path}")
            uploaded.append(path)
    except BaseException:
        remove_files(relative, uploaded)  # a half upload has no manifest; leave nothing at all
        raise


def _upload(storage: Storage, source: Path, name: str) -> None:
    with source.open("rb") as handle:
        saved = storage.save(name, File(handle))
    if saved != name:  # the storage renamed it to avoid a clash: the version would be wrong
        storage.delete(saved)
        raise FileExistsError(f"{name} already exists in the datasets storage")


def remove_files(relative: str, names: Iterable[str]) -> None:
    """Take back what one build attempt published before its row could say so."""
    storage = datasets_storage()
    root = local_root(storage)
    if root is not None:
        shutil.rmtree(root / relative, ignore_errors=True)
        return
    for name in names:
        storage.delete(f"{relative}/{name}")


def remove_stale_staging(relative: str, *, older_than_seconds: float) -> int:
    """Delete staging directories a killed build left beside ``relative``; return how many.

    Only old ones: a young one may belong to a build still running on another worker.
    """
    root = local_root()
    if root is None:
        return 0  # remote builds stage in the worker's own temporary directory
    final = root / relative
    cutoff = time.time() - older_than_seconds
    removed = 0
    for leftover in final.parent.glob(f".{final.name}.*.tmp"):
        if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
            shutil.rmtree(leftover, ignore_errors=True)
            removed += 1
    return removed


def open_file(relative: str, name: str):
    """One file of a version, opened for binary reading (streamed, never loaded whole)."""
    return open_stream(datasets_storage(), f"{relative}/{name}")


def file_location(relative: str, name: str) -> str:
    """Where a file of a version is: a local path, or the storage's URL for it."""
    storage = datasets_storage()
    root = local_root(storage)
    if root is not None:
        return str(root / relative / name)
    return storage.url(f"{relative}/{name}")


def copy_version(relative: str, names: Iterable[str], out_dir: Path) -> Path:
    """Copy the named files of a version into ``out_dir`` (empty or absent)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    for name in names:
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open_file(relative, name) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, length=1 << 20)
    return out_dir

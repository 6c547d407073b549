"""Atomic publication: a version appears whole under its final name, or not at all.

Build into a sibling temporary directory (same filesystem), then rename it: ``rename(2)`` is
atomic, so readers never see half a version, and a killed build leaves only a temporary
directory, never a half version under the final name.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def publish_atomically(tmp_dir: str | os.PathLike, final_dir: str | os.PathLike) -> Path:
    """Move a finished build to its final name; refuse to replace an existing version."""
    tmp, final = Path(tmp_dir), Path(final_dir)
    if final.exists():
        raise FileExistsError(f"{final} exists: a published version is never replaced")
    _fsync_tree(tmp)
    # os.rename would silently replace an empty directory created meanwhile; a published
    # version is never empty, so the exists() check above is what guards immutability.
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    return final


@contextmanager
def staging_dir(final_dir: str | os.PathLike) -> Iterator[Path]:
    """A temporary directory beside ``final_dir``, removed if the build fails.

    On success the caller publishes it with ``publish_atomically(tmp, final_dir)``.
    """
    final = Path(final_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fsync_tree(root: Path) -> None:
    """Make the files durable before the rename makes them visible."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for directory in sorted({p.parent for p in root.rglob("*")} | {root}):
        _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

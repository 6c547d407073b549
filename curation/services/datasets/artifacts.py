"""The files of a published version, as its manifest lists them (what downloads and deliveries serve).

Every file of a published version is immutable and its SHA-256 is in the manifest, so the
checksum doubles as a strong ``ETag``: see ``curation.http.downloads`` for the HTTP side.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from curation.export.manifest import MANIFEST_NAME
from curation.models import DatasetVersion
from curation.services.datasets import storage as dataset_storage


class ArtifactNotFound(LookupError):
    """No such file in this version, or the version is not published."""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One file of a published version, as the manifest describes it."""

    path: str  # inside the version, e.g. "srl/data/train-00000-of-00001.parquet"
    storage_name: str  # inside the datasets storage
    size: int
    sha256: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'

    @property
    def digest(self) -> str:
        """The SHA-256 in base64, as the Digest and Repr-Digest headers carry it."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


def version_artifacts(version: DatasetVersion) -> list[Artifact]:
    """Every file the version's manifest lists, sorted by path; none unless published."""
    if version.status != DatasetVersion.Status.PUBLISHED:
        return []
    files = version.manifest.get("files", {})
    return [_artifact(version, path, files[path]) for path in sorted(files)]


def artifact_of(version: DatasetVersion, path: str) -> Artifact:
    """The file at ``path``: one the manifest lists, or the manifest itself; nothing else
    exists, so no path escapes the version."""
    if version.status != DatasetVersion.Status.PUBLISHED:
        raise ArtifactNotFound(path)
    if path == MANIFEST_NAME:
        return _artifact(version, path, manifest_entry(version))
    entry = version.manifest.get("files", {}).get(path)
    if entry is None:
        raise ArtifactNotFound(path)
    return _artifact(version, path, entry)


def manifest_entry(version: DatasetVersion) -> dict:
    """The manifest's own size and SHA-256. It cannot list itself, so they are read from the
    stored file (a few kilobytes) rather than from the database."""
    with dataset_storage.open_file(version.path, MANIFEST_NAME) as handle:
        data = handle.read()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _artifact(version: DatasetVersion, path: str, entry: dict) -> Artifact:
    return Artifact(
        path=path,
        storage_name=f"{version.path.rstrip('/')}/{path}",
        size=int(entry["size"]),
        sha256=entry["sha256"],
        last_modified=version.published_at or version.created_at,
    )

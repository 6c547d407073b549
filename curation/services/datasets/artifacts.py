"""The files of a published version, as its manifest lists them (what downloads and deliveries serve).

Every file of a published version is immutable and its SHA-256 is in the manifest, so the
checksum doubles as a strong ``ETag``: see ``curation.http.downloads`` for the HTTP side.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from curation.models import DatasetVersion


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
    """The file at ``path``; only paths the manifest lists exist, so no path escapes the version."""
    entry = version.manifest.get("files", {}).get(path)
    if version.status != DatasetVersion.Status.PUBLISHED or entry is None:
        raise ArtifactNotFound(path)
    return _artifact(version, path, entry)


def _artifact(version: DatasetVersion, path: str, entry: dict) -> Artifact:
    return Artifact(
        path=path,
        storage_name=f"{version.path.rstrip('/')}/{path}",
        size=int(entry["size"]),
        sha256=entry["sha256"],
        last_modified=version.published_at or version.created_at,
    )

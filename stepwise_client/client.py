"""``Client``: the Stepwise API as a trainer's script uses it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from stepwise_client.loading import CARD_NAME, container_preference, load_split, split_path
from stepwise_client.transfer import download_file

MANIFEST_NAME = "manifest.json"
CACHE_ENV = "STEPWISE_CACHE"


def default_cache_dir() -> Path:
    """``$STEPWISE_CACHE``, else ``~/.cache/stepwise`` (read at each call, not at import)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "stepwise")


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    sha256: str
    url: str


@dataclass(frozen=True)
class Version:
    dataset: str  # "project/name"
    number: int
    status: str
    published_at: str | None
    url: str
    files: tuple[RemoteFile, ...] = ()
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        return cls(
            dataset=data["dataset"],
            number=data["number"],
            status=data["status"],
            published_at=data.get("published_at"),
            url=data["url"],
            files=tuple(RemoteFile(**entry) for entry in data.get("files", ())),
            manifest=data.get("manifest") or {},
        )

    def files_for(self, format: str | None) -> list[RemoteFile]:
        """All files, or one format's files plus the top-level ones (card, index, reward)."""
        if format is None:
            return list(self.files)
        return [f for f in self.files if "/" not in f.path or f.path.startswith(f"{format}/")]

    def file(self, path: str) -> RemoteFile | None:
        return next((f for f in self.files if f.path == path), None)

    def split_file(
        self, format: str, split: str, containers: tuple[str, ...]
    ) -> tuple[str, RemoteFile]:
        """The data file of one split in the first of ``containers`` the version has."""
        for container in containers:
            remote = self.file(split_path(format, split, container))
            if remote is not None:
                return container, remote
        raise FileNotFoundError(
            f"{self.dataset} v{self.number} has no {split} split of format {format!r} "
            f"as {', '.join(containers)}"
        )


class Client:
    """``Client(url, token)``; the token defaults to ``$STEPWISE_TOKEN``; ``load`` keeps its
    files under ``cache_dir`` (default ``$STEPWISE_CACHE``, else ``~/.cache/stepwise``)."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 60,
        session: requests.Session | None = None,
        cache_dir: str | os.PathLike | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.session = session or requests.Session()
        token = token if token is not None else os.environ.get("STEPWISE_TOKEN")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def versions(self, dataset: str, *, status: str | None = "published") -> list[Version]:
        """The dataset's versions, newest first (published ones unless ``status=None``)."""
        params = {"status": status} if status else {}
        url: str | None = self._dataset_url(dataset) + "versions/"
        found: list[Version] = []
        while url:
            page = self._get_json(url, params=params)
            found.extend(Version.from_json(item) for item in page["results"])
            url, params = page.get("next"), {}
        return found

    def version(self, dataset: str, number: int | str = "latest") -> Version:
        """One version with its files and checksums; ``"latest"`` is the latest published."""
        return Version.from_json(self._get_json(self._dataset_url(dataset) + f"versions/{number}/"))

    def download(
        self, version: Version, dest: str | os.PathLike, *, format: str | None = None
    ) -> Path:
        """Every file of the version (or of one format) under ``dest``, each SHA-256 checked;
        files already there are kept, interrupted ones resumed. Writes manifest.json too."""
        version = self._with_files(version)
        return self._fetch(version, Path(dest), version.files_for(format))

    def _fetch(self, version: Version, dest: Path, files: list[RemoteFile]) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        for remote in files:
            download_file(
                self.session,
                remote.url,
                dest / remote.path,
                sha256=remote.sha256,
                size=remote.size,
                timeout=self.timeout,
            )
        # The manifest exactly as the server wrote it (same serialization, same bytes).
        manifest = json.dumps(version.manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        (dest / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
        return dest

    def load(
        self,
        version: Version,
        format: str = "srl",
        *,
        split: str = "train",
        container: str | None = None,
        download_dir: str | os.PathLike | None = None,
        **dataset_options,
    ):
        """One split of one format: a ``datasets.Dataset`` if ``datasets`` is installed (with
        ``dataset_options`` passed to ``datasets.load_dataset``), else a list of row dicts read
        from the JSON lines files.

        Downloads only that split's file, in ``container`` or else the best the version has
        (Parquet, then JSONL, then JSONL.gz; JSONL only without ``datasets``), plus the dataset
        card, whose declared features type the columns. Files are kept under ``download_dir``,
        by default ``<cache_dir>/<project>/<name>/v<N>``."""
        version = self._with_files(version)
        cache = Path(download_dir) if download_dir else self._version_cache(version)
        chosen, data = version.split_file(format, split, container_preference(container))
        card = version.file(CARD_NAME)
        self._fetch(version, cache, [card, data] if card else [data])
        return load_split(cache, format, split, chosen, **dataset_options)

    def _version_cache(self, version: Version) -> Path:
        return (self.cache_dir or default_cache_dir()) / version.dataset / f"v{version.number}"

    def _with_files(self, version: Version) -> Version:
        return version if version.files else self.version(version.dataset, version.number)

    def _dataset_url(self, dataset: str) -> str:
        project, _, name = dataset.partition("/")
        if not project or not name:
            raise ValueError(f"name a dataset as 'project/name', not {dataset!r}")
        return f"{self.url}/api/v1/projects/{project}/datasets/{name}/"

    def _get_json(self, url: str, params: dict | None = None) -> dict:
        response = self.session.get(url, params=params, timeout=self.timeout)
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json()


class ApiError(requests.HTTPError):
    """An error answer of the API; the message is the server's own."""

    def __init__(self, response: requests.Response) -> None:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        super().__init__(
            f"{response.status_code} {response.request.method} {response.url}: {message}",
            response=response,
        )

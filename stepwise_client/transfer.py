"""One file over HTTP into a local path: resumed from a ``.part`` file, verified, then renamed.

The server's ETag is the file's SHA-256, so a resume sends ``If-Range`` with the checksum the
manifest promised: if the server's file were different, it answers with the whole file (200)
instead of splicing two different files together.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import requests

CHUNK_BYTES = 1 << 20
PART_SUFFIX = ".part"


class ChecksumMismatch(Exception):
    """The bytes received do not hash to the manifest's SHA-256; nothing was kept."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(
    session: requests.Session, url: str, dest: Path, *, sha256: str, size: int, timeout: float = 60
) -> Path:
    """Make ``dest`` hold the file with this SHA-256, downloading only what is missing."""
    dest = Path(dest)
    if dest.exists() and dest.stat().st_size == size and sha256_of(dest) == sha256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + PART_SUFFIX)
    have = part.stat().st_size if part.exists() else 0
    if have > size:  # not a prefix of this file: start over
        part.unlink()
        have = 0
    if have < size:
        _fetch(session, url, part, have=have, sha256=sha256, timeout=timeout)
    _check(part, sha256)
    os.replace(part, dest)
    return dest


def _fetch(
    session: requests.Session, url: str, part: Path, *, have: int, sha256: str, timeout: float
) -> None:
    headers = {"Range": f"bytes={have}-", "If-Range": f'"{sha256}"'} if have else {}
    with session.get(url, headers=headers, stream=True, timeout=timeout) as response:
        response.raise_for_status()
        resumed = response.status_code == 206
        with open(part, "ab" if resumed else "wb") as out:
            for chunk in response.iter_content(CHUNK_BYTES):
                out.write(chunk)


def _check(part: Path, sha256: str) -> None:
    actual = sha256_of(part)
    if actual != sha256:
        part.unlink()
        raise ChecksumMismatch(
            f"{part.name[: -len(PART_SUFFIX)]}: expected SHA-256 {sha256}, got {actual}"
        )

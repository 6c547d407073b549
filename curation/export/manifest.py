"""``manifest.json``: the SHA-256 and size of every file of a version.

Written last, over every other file in the version's directory; sorted keys and paths, no
clock, so the same build gives the same manifest, and its own SHA-256 identifies the version.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
_READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FileDigest:
    sha256: str
    size: int


def digest_file(path: Path) -> FileDigest:
    """SHA-256 and size, reading in chunks (data files can be gigabytes)."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return FileDigest(sha.hexdigest(), size)


def digest_tree(root: Path) -> dict[str, FileDigest]:
    """Every file under root except the manifest itself, by POSIX path relative to root."""
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    return {p.relative_to(root).as_posix(): digest_file(p) for p in paths}


def write_manifest(root: Path, extra: dict[str, Any]) -> dict[str, FileDigest]:
    """Write manifest.json (the digests plus ``extra`` facts) and return the digests."""
    files = digest_tree(root)
    document = {
        **extra,
        "files": {path: {"sha256": d.sha256, "size": d.size} for path, d in files.items()},
    }
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (root / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return files

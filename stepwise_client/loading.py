"""Reading a downloaded split: with ``datasets`` when installed, else plain JSON lines."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

# Parquet keeps the exact column types, so ``datasets`` reads it first; without ``datasets``
# only the JSON lines files can be read (the standard library has no Parquet reader).
WITH_DATASETS = ("parquet", "jsonl", "jsonl.gz")
WITHOUT_DATASETS = ("jsonl", "jsonl.gz")


def has_datasets() -> bool:
    return importlib.util.find_spec("datasets") is not None


def load_split(root: Path, format: str, split: str, container: str | None = None, **options):
    """A ``datasets.Dataset`` when ``datasets`` is installed (``options`` go to
    ``datasets.load_dataset``), else a list of row dicts."""
    if not has_datasets():
        return _read_jsonl(
            _split_file(root, format, split, (container,) if container else WITHOUT_DATASETS)
        )
    import datasets

    path = _split_file(root, format, split, (container,) if container else WITH_DATASETS)
    builder = "parquet" if path.name.endswith(".parquet") else "json"
    return datasets.load_dataset(builder, data_files={split: str(path)}, split=split, **options)


def _split_file(root: Path, format: str, split: str, containers: tuple[str, ...]) -> Path:
    for container in containers:
        path = root / format / "data" / f"{split}-00000-of-00001.{container}"
        if path.exists():
            return path
    raise FileNotFoundError(
        f"no {split} split of format {format!r} as {', '.join(containers)} in {root}"
    )


def _read_jsonl(path: Path) -> list[dict]:
    if path.name.endswith(".parquet"):
        raise ImportError("reading Parquet needs the datasets package; ask for container='jsonl'")
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]

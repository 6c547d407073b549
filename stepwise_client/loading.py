"""Reading a downloaded split: with ``datasets`` when installed, else plain JSON lines.

JSON lines carry no types, and ``datasets`` guesses them from the first block of rows: a column
that is null for the first ten megabytes and a string later (an SRL ``step_title``), or empty
lists before lists of dicts (``steps``), fails to load. The version's dataset card declares
every config's features (``dataset_info`` in its YAML header), so they are read from the card
and passed to ``datasets.load_dataset``: every container then loads with the same types.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

CARD_NAME = "README.md"
# Parquet keeps the exact column types, so ``datasets`` reads it first; without ``datasets``
# only the JSON lines files can be read (the standard library has no Parquet reader).
WITH_DATASETS = ("parquet", "jsonl", "jsonl.gz")
WITHOUT_DATASETS = ("jsonl", "jsonl.gz")


def has_datasets() -> bool:
    return importlib.util.find_spec("datasets") is not None


def container_preference(container: str | None = None) -> tuple[str, ...]:
    """The containers ``load`` will read, best first (one, when the caller named it)."""
    if container:
        return (container,)
    return WITH_DATASETS if has_datasets() else WITHOUT_DATASETS


def split_path(format: str, split: str, container: str) -> str:
    """A data file's path inside a version (the export's layout)."""
    return f"{format}/data/{split}-00000-of-00001.{container}"


def load_split(root: Path, format: str, split: str, container: str | None = None, **options):
    """A ``datasets.Dataset`` when ``datasets`` is installed (``options`` go to
    ``datasets.load_dataset``; the card's features unless ``features=`` is given), else a list
    of row dicts."""
    path = _split_file(Path(root), format, split, container_preference(container))
    if not has_datasets():
        return _read_jsonl(path)
    import datasets

    if "features" not in options:
        options["features"] = declared_features(Path(root), format)
    builder = "parquet" if path.name.endswith(".parquet") else "json"
    return datasets.load_dataset(builder, data_files={split: str(path)}, split=split, **options)


def declared_features(root: Path, format: str):
    """The ``datasets.Features`` the version's card declares for this format, or None (a
    version without a card, or a card of an older build without ``dataset_info``)."""
    from datasets.info import DatasetInfosDict

    if not (root / CARD_NAME).is_file():
        return None
    info = DatasetInfosDict.from_directory(str(root)).get(format)
    return info.features if info is not None else None


def _split_file(root: Path, format: str, split: str, containers: tuple[str, ...]) -> Path:
    for container in containers:
        path = root / split_path(format, split, container)
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

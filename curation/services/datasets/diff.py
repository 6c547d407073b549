"""What changed between two published versions: traces added, removed, re-segmented.

Each version's ``traces.jsonl`` lists, in trace-id order, the segmentation (id, revision,
author) it used for each trace. Both files are read line by line and merged like sorted lists,
so comparing two versions of 100,000 traces holds two lines at a time, not two versions.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

from curation.export.build import TRACE_INDEX_NAME
from curation.models import DatasetVersion
from curation.services.datasets import storage as dataset_storage

# Traces listed per kind of change; the counts are always complete.
LISTED = 200


@dataclass(frozen=True)
class Resegmented:
    trace_id: int
    old: dict
    new: dict


@dataclass
class VersionDiff:
    old: DatasetVersion
    new: DatasetVersion
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    resegmented: list[Resegmented] = field(default_factory=list)
    added_count: int = 0
    removed_count: int = 0
    resegmented_count: int = 0
    unchanged_count: int = 0


def diff_versions(old: DatasetVersion, new: DatasetVersion, *, listed: int = LISTED) -> VersionDiff:
    """Compare two published versions (of any datasets) trace by trace."""
    for version in (old, new):
        if version.status != DatasetVersion.Status.PUBLISHED:
            raise ValueError(f"{version} is not published")
    diff = VersionDiff(old, new)
    for trace_id, before, after in _merged(_entries(old), _entries(new)):
        if before is None:
            diff.added_count += 1
            _keep(diff.added, trace_id, listed)
        elif after is None:
            diff.removed_count += 1
            _keep(diff.removed, trace_id, listed)
        elif _cut(before) != _cut(after):
            diff.resegmented_count += 1
            _keep(diff.resegmented, Resegmented(trace_id, before, after), listed)
        else:
            diff.unchanged_count += 1
    return diff


def spec_changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(setting, old value, new value) for every build setting that differs, by name."""
    changes = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append((key.replace("_", " "), _shown(before), _shown(after)))
    return changes


def _shown(value) -> str:
    if value in (None, "", [], ()):
        return "(not set)"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def _cut(entry: dict) -> tuple:
    """What identifies how a trace was cut: which segmentation, which revision, which field."""
    return entry["segmentation_id"], entry["revision"], entry["steps_field"]


def _keep(items: list, item, listed: int) -> None:
    if len(items) < listed:
        items.append(item)


def trace_index(version: DatasetVersion) -> Iterator[dict]:
    """A published version's trace index, one entry per trace in trace-id order."""
    return _entries(version)


def _entries(version: DatasetVersion) -> Iterator[dict]:
    previous = None
    with dataset_storage.open_file(version.path, TRACE_INDEX_NAME) as lines:
        for line in lines:
            entry = orjson.loads(line)
            if previous is not None and entry["trace_id"] <= previous:
                raise ValueError(f"{version}: {TRACE_INDEX_NAME} is not in trace-id order")
            previous = entry["trace_id"]
            yield entry


def _merged(
    old: Iterator[dict], new: Iterator[dict]
) -> Iterator[tuple[int, dict | None, dict | None]]:
    """(trace id, old entry or None, new entry or None) in trace-id order."""
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a["trace_id"] < b["trace_id"]):
            yield a["trace_id"], a, None
            a = next(old, None)
        elif a is None or b["trace_id"] < a["trace_id"]:
            yield b["trace_id"], None, b
            b = next(new, None)
        else:
            yield a["trace_id"], a, b
            a, b = next(old, None), next(new, None)

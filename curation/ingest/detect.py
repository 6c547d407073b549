"""Choose a preset from the first records of a file."""

from __future__ import annotations

from .presets import PRESETS
from .presets.mapping import MappingError
from curation.traces.records import InvalidRecord
from .validate import validate_trace


class NoPresetMatched(ValueError):
    """No preset recognises the records: the message says what was seen and what to do."""


def detect_preset(sample: list[dict]) -> str:
    """The name of the preset whose shape fits the sample best.

    Each preset scores every record (0 = not its shape); the highest total wins, ties go to
    the preset listed first in ``PRESETS`` (the more specific one). Raises NoPresetMatched.
    """
    records = [record for record in sample if isinstance(record, dict)]
    if not records:
        raise NoPresetMatched("no records to detect a format from")
    totals = {
        name: sum(module.score(record) for record in records) for name, module in PRESETS.items()
    }
    best = max(totals, key=lambda name: totals[name])  # max keeps the first of equal totals
    if totals[best] <= 0:
        raise NoPresetMatched(_explain(records))
    return best


def detect_mapping(sample: list[dict], mappings: dict[str, dict]) -> tuple[str, bool]:
    """(name, carries steps) of the named mapping that maps the most sample records.

    A mapping qualifies when it maps more than half of the dict records (real files have a
    few bad rows); ties go to the one listed first. ("", False) when none qualifies.
    """
    records = [record for record in sample if isinstance(record, dict)]
    best, best_count, best_steps = "", len(records) // 2, False
    for name, mapping in mappings.items():
        mapped = [_try_mapping(mapping, record) for record in records]
        count = sum(trace is not None for trace in mapped)
        if count > best_count:
            best, best_count = name, count
            best_steps = count == len(records) and all(t and t.steps for t in mapped)
    return best, best_steps


def _try_mapping(mapping: dict, record: dict):
    try:
        trace = PRESETS["mapping"].to_trace(record, {"mapping": mapping})
        validate_trace(trace, require_problem="problem" in mapping)
    except (InvalidRecord, MappingError):
        return None
    except Exception:  # noqa: BLE001 - a saved mapping tripping on odd input just does not fit
        return None
    return trace


def _explain(records: list[dict]) -> str:
    fields = sorted({str(key) for record in records[:5] for key in record})
    shown = ", ".join(fields[:30]) + (", ..." if len(fields) > 30 else "")
    return (
        f"no preset matches these records (fields seen: {shown}). Choose a preset by name "
        f"or give a field mapping; presets: {', '.join(PRESETS)}"
    )

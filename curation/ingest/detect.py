"""Choose a preset from the first records of a file."""

from __future__ import annotations

from .presets import PRESETS


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


def _explain(records: list[dict]) -> str:
    fields = sorted({str(key) for record in records[:5] for key in record})
    shown = ", ".join(fields[:30]) + (", ..." if len(fields) > 30 else "")
    return (
        f"no preset matches these records (fields seen: {shown}). Choose a preset by name "
        f"or give a field mapping; presets: {', '.join(PRESETS)}"
    )

"""Find a source's step texts inside the full trace text, so the spans point into it.

Sources that ship both a trace and its segmentation (Thought Anchors chunks, the
topology episodes) rarely copy the text exactly: chunkers collapse whitespace, or swap a
span for a placeholder. We search each step in order, exactly first, then with any run of
whitespace matching any other; a step found by neither gets the gap between its found
neighbours, flagged in its note. Only when that is impossible is the record refused.
"""

from __future__ import annotations

import re

from curation.traces.records import InvalidRecord, StepSpan

APPROXIMATE_NOTE = "step text not found verbatim; span is the gap between its neighbours"


def locate_steps(text: str, step_texts: list[str], *, field: str = "text") -> list[StepSpan]:
    """One span per step text, in order, non-overlapping, pointing into ``text``."""
    found: list[tuple[int, int] | None] = []
    pos = 0
    for step in step_texts:
        match = _find(text, step, pos)
        found.append(match)
        if match is not None:
            pos = match[1]
    spans = [_span(text, found, index) for index in range(len(found))]
    missing = [index for index, span in enumerate(spans) if span is None]
    if missing:
        raise InvalidRecord(
            f"{len(missing)} of {len(spans)} steps are not found in the {field} "
            f"(first: step {missing[0]}: {step_texts[missing[0]][:60]!r})"
        )
    return spans


def _find(text: str, step: str, pos: int) -> tuple[int, int] | None:
    stripped = step.strip()
    if not stripped:
        return pos, pos  # an empty step sits where the previous one ended
    start = text.find(stripped, pos)
    if start >= 0:
        return start, start + len(stripped)
    pattern = r"\s+".join(re.escape(word) for word in stripped.split())
    match = re.compile(pattern).search(text, pos)
    return (match.start(), match.end()) if match else None


def _span(text: str, found: list[tuple[int, int] | None], index: int) -> StepSpan | None:
    match = found[index]
    if match is not None:
        return StepSpan(*match)
    before = found[index - 1] if index > 0 else (0, 0)
    after = found[index + 1] if index + 1 < len(found) else (len(text), len(text))
    if before is None or after is None:
        return None  # two missing steps in a row: no way to tell where one ends
    start, end = _trim(text, before[1], after[0])
    if start >= end:
        return None
    return StepSpan(start, end, note=APPROXIMATE_NOTE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

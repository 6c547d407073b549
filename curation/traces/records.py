"""The plain data that flows out of ingest: one mapped trace, or one bad record.

Everything in ``curation.ingest`` is plain Python: no Django, no Celery.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

TRACE_FIELDS = ("problem", "reasoning", "response", "answer")
STEP_FIELDS = ("reasoning", "response")


@dataclass(slots=True)
class StepSpan:
    """A half-open character span ``[start, end)`` into one trace field."""

    start: int
    end: int
    rating: int | None = None  # PRM800K scale: -1, 0, +1
    type: str = ""  # a key of the project's label schema, "" when unknown
    note: str = ""


@dataclass(slots=True)
class TraceRecord:
    """One teacher output, mapped from whatever shape the source had."""

    problem: str
    reasoning: str = ""
    response: str = ""
    answer: str = ""
    teacher_model: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    # Steps the source already carried (human or benchmark segmentation), or None.
    steps: list[StepSpan] | None = None
    steps_field: str = "response"  # which field the spans point into
    kind: str = "text"  # "text" or "agent" (a rendered tool-calling transcript)

    def content_hash(self) -> str:
        """The dedup key: the same problem, reasoning and response hash the same."""
        h = sha256()
        for value in (self.problem, self.reasoning, self.response):
            h.update(value.encode("utf-8", "surrogatepass"))
            h.update(b"\x1f")
        return h.hexdigest()

    def text_size(self) -> int:
        return len(self.problem) + len(self.reasoning) + len(self.response) + len(self.answer)


class InvalidRecord(ValueError):
    """Raised by a preset when a record has the wrong shape; the reason is shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class RecordError:
    """A record that could not be imported: where it was and why."""

    location: int  # 1-based line number (JSONL/CSV), element index (JSON array) or row (Parquet)
    reason: str


def spans_from_steps(step_texts: list[str], joiner: str = "\n\n") -> tuple[str, list[StepSpan]]:
    """Join step texts into one field and return it with the span of each step."""
    spans: list[StepSpan] = []
    parts: list[str] = []
    pos = 0
    for i, text in enumerate(step_texts):
        if i:
            parts.append(joiner)
            pos += len(joiner)
        parts.append(text)
        spans.append(StepSpan(pos, pos + len(text)))
        pos += len(text)
    return "".join(parts), spans

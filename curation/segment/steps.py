"""What a segmentation strategy returns: steps as character spans into the text they cut."""
from __future__ import annotations

from dataclasses import dataclass

from curation.traces.records import StepSpan


@dataclass(slots=True)
class SegmentedStep:
    """One automatically cut step: the half-open span ``[start, end)`` of the trace field.

    ``type`` is a key of the project's label schema ("" until ``tag_steps`` sets it);
    ``title`` is the heading the source gave the step (``1. **Title** ...``), "" when none.
    """

    start: int
    end: int
    type: str = ""
    token_count: int = 0
    title: str = ""

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def to_span(self) -> StepSpan:
        return StepSpan(self.start, self.end, type=self.type)

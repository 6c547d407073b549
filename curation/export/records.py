"""The plain data that flows into export: one trace with the segmentation chosen for it.

The Django side builds these from a frozen manifest (server-side cursor, one at a time);
everything in ``curation.export`` consumes them as an iterable and never needs the ORM.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from curation.traces.records import STEP_FIELDS

# The SRL paper's solution format (arXiv 2510.25992, appendix B.3): "1. **Title** action".
# The colon some teachers put inside or after the bold title belongs to the title prefix.
_NUMBERED_TITLE = re.compile(r"\A\s*\d+[.)]\s*\*\*(?P<title>[^*\n]+?)\s*:?\s*\*\*:?")


class ExportStep(NamedTuple):
    """One step: a half-open span ``[start, end)`` of the trace field the segmentation cuts.

    A NamedTuple so that the Django side can pass plain tuples
    ``(start, end, type, rating, note, title, source)`` and so that 100k traces of 15 steps stay
    cheap.
    """

    start: int
    end: int
    type: str = ""
    rating: int | None = None  # PRM800K scale: -1, 0, +1; None when unrated
    note: str = ""
    title: str | None = None  # None: parse it from the "1. **Title** action" form
    # Who or what gave the labels: person, rule, imported, model, rollouts, consensus ("" unlabeled)
    source: str = ""


@dataclass(slots=True)
class ExportTrace:
    """One trace of a dataset version, with the one segmentation the version uses for it."""

    trace_id: int
    problem: str
    reasoning: str = ""
    response: str = ""
    answer: str = ""
    teacher_model: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    kind: str = "text"  # "text" or "agent"
    steps_field: str = "response"  # which field the step spans point into
    segmentation_id: int = 0
    revision: int = 0
    author: str = ""
    steps: list[ExportStep] = field(default_factory=list)
    # Provenance of every step of the segmentation (the quality loop): its review status, who
    # approved it, and its annotators' agreement: the stored boundary F1 and the counts
    # ``curation.quality`` sums (``TraceAgreement.as_dict()``); None with fewer than two.
    status: str = ""
    reviewer: str = ""
    agreement: float | None = None
    agreement_counts: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # Accept plain tuples from the caller; rows read fields by name.
        self.steps = [s if isinstance(s, ExportStep) else ExportStep(*s) for s in self.steps]
        self._check_steps()

    def _check_steps(self) -> None:
        """Refuse spans that do not point into the text in order: a published version would
        otherwise carry wrong targets that nobody sees until training."""
        if self.steps_field not in STEP_FIELDS:
            raise ValueError(f"trace {self.trace_id}: steps_field {self.steps_field!r} "
                             f"is not one of {STEP_FIELDS}")
        previous_end, length = 0, len(self.steps_text)
        for step in self.steps:
            if not previous_end <= step.start <= step.end <= length:
                raise ValueError(f"trace {self.trace_id}: step [{step.start}, {step.end}) is out "
                                 f"of order or outside its {length}-character field")
            previous_end = step.end

    @property
    def steps_text(self) -> str:
        """The text of the field the steps point into."""
        return getattr(self, self.steps_field)

    def step_text(self, step: ExportStep) -> str:
        return self.steps_text[step.start:step.end]


def title_prefix_end(step_text: str) -> int:
    """Where the ``1. **Title**`` prefix of a step ends, or 0 when the step has none."""
    match = _NUMBERED_TITLE.match(step_text)
    return match.end() if match else 0


def parse_step_title(step_text: str) -> str | None:
    """The title of a step written as ``1. **Title** action``, or None."""
    match = _NUMBERED_TITLE.match(step_text)
    return match.group("title").strip() if match else None


def step_title(step: ExportStep, step_text: str) -> str | None:
    """The title the segmentation gave the step, else the one its text carries."""
    return step.title if step.title is not None else parse_step_title(step_text)

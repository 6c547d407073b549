"""How close automatic steps come to gold steps: boundary precision, recall and F1.

A boundary is where a step after the first one starts, after trimming whitespace, so the
whitespace a joiner or a source put between steps never counts. A predicted boundary matches
a gold one exactly, or within ``tolerance`` characters (each boundary matched at most once).
Scores of many texts add up by their counts (micro average), and the step-count error is the
mean absolute difference in the number of steps per text.

Gold comes from any source whose ingest preset yields steps: ``gold_text`` either keeps the
record's own field text (``original``: the steps where the source put them) or rebuilds the
text from the gold step texts joined by a blank line, a newline or a space (the last two
remove the layout a segmenter could lean on).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from curation.traces.records import TraceRecord, spans_from_steps

from .spans import Span, trim

JOINERS = {"blank": "\n\n", "newline": "\n", "space": " "}
ORIGINAL = "original"


@dataclass(slots=True)
class BoundaryScore:
    """Boundary counts of one text or of many (``add``), and the scores they give."""

    tolerance: int = 0
    gold: int = 0  # gold boundaries
    predicted: int = 0  # predicted boundaries
    exact: int = 0  # predicted boundaries at a gold boundary
    near: int = 0  # predicted boundaries within the tolerance of a gold boundary
    texts: int = 0
    step_count_error: int = 0  # summed |predicted steps - gold steps|

    @property
    def precision(self) -> float:
        return _ratio(self.exact, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.exact, self.gold)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def precision_near(self) -> float:
        return _ratio(self.near, self.predicted)

    @property
    def recall_near(self) -> float:
        return _ratio(self.near, self.gold)

    @property
    def f1_near(self) -> float:
        return _f1(self.precision_near, self.recall_near)

    @property
    def mean_step_count_error(self) -> float:
        return self.step_count_error / self.texts if self.texts else 0.0

    def add(self, other: BoundaryScore) -> None:
        """Fold another text's counts into these (micro averaging)."""
        self.gold += other.gold
        self.predicted += other.predicted
        self.exact += other.exact
        self.near += other.near
        self.texts += other.texts
        self.step_count_error += other.step_count_error

    def as_dict(self) -> dict[str, Any]:
        return {
            "texts": self.texts,
            "tolerance": self.tolerance,
            "gold_boundaries": self.gold,
            "predicted_boundaries": self.predicted,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "precision_near": round(self.precision_near, 4),
            "recall_near": round(self.recall_near, 4),
            "f1_near": round(self.f1_near, 4),
            "mean_step_count_error": round(self.mean_step_count_error, 3),
        }


def score_boundaries(
    gold: Sequence[Any], predicted: Sequence[Any], tolerance: int = 0
) -> BoundaryScore:
    """Compare two step lists of one text (spans as pairs or objects with start/end)."""
    gold_starts = _boundaries(gold)
    predicted_starts = _boundaries(predicted)
    return BoundaryScore(
        tolerance=tolerance,
        gold=len(gold_starts),
        predicted=len(predicted_starts),
        exact=len(set(gold_starts) & set(predicted_starts)),
        near=_matches_within(gold_starts, predicted_starts, tolerance),
        texts=1,
        step_count_error=abs(len(gold) - len(predicted)),
    )


def aggregate(scores: Iterable[BoundaryScore], tolerance: int = 0) -> BoundaryScore:
    """The micro-averaged score of many texts."""
    total = BoundaryScore(tolerance=tolerance)
    for score in scores:
        total.add(score)
    return total


def rebuild_text(step_texts: Sequence[str], joiner: str) -> tuple[str, list[Span]]:
    """Join step texts (each stripped, empty ones dropped) with ``joiner``: a name of
    ``JOINERS`` or the literal string. Returns the text and each step's span."""
    separator = JOINERS.get(joiner, joiner)
    text, spans = spans_from_steps([t.strip() for t in step_texts if t.strip()], separator)
    return text, [(s.start, s.end) for s in spans]


def gold_text(record: TraceRecord, joiner: str) -> tuple[str, list[Span]] | None:
    """The text to segment and its trimmed gold spans, or None when the record has no steps.

    ``joiner`` is ``original`` (the record's own field and spans) or a ``rebuild_text`` joiner.
    """
    if not record.steps:
        return None
    field_text = getattr(record, record.steps_field)
    if joiner == ORIGINAL:
        return field_text, trim_spans(field_text, [(s.start, s.end) for s in record.steps])
    return rebuild_text([field_text[s.start : s.end] for s in record.steps], joiner)


def trim_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans without surrounding whitespace; whitespace-only spans dropped."""
    trimmed = (trim(text, start, end) for start, end in spans)
    return [span for span in trimmed if span is not None]


def _boundaries(spans: Sequence[Any]) -> list[int]:
    starts = sorted(_start(span) for span in spans)
    return starts[1:]


def _start(span: Any) -> int:
    return span[0] if isinstance(span, tuple) else span.start


def _matches_within(gold: list[int], predicted: list[int], tolerance: int) -> int:
    """Largest one-to-one matching of sorted positions at most ``tolerance`` apart (a greedy
    walk is optimal when every allowed pair is an interval on a line)."""
    matched = i = j = 0
    while i < len(gold) and j < len(predicted):
        if abs(gold[i] - predicted[j]) <= tolerance:
            matched += 1
            i += 1
            j += 1
        elif predicted[j] < gold[i]:
            j += 1
        else:
            i += 1
    return matched


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

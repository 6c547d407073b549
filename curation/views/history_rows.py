"""The edit history as a lead reads it: revisions, the operation, the text of the steps touched.

The stored entries hold splices (character offsets, ids of replayed entries, raw parameters);
this turns each into what a person checks: which revision, who, what was done in words, and the
affected steps' text, shortened, with their labels before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from curation.models import SegmentationEdit

Op = SegmentationEdit.Operation
SNIPPET_CHARS = 80
RATING_NAMES = {-1: "\u22121", 0: "0", 1: "+1", None: "no rating"}


@dataclass
class StepView:
    number: int
    text: str
    type: str
    rating: str
    flagged: bool
    note: str


@dataclass
class HistoryRow:
    revision: int
    created_at: object
    author: str
    operation: str
    detail: str
    before: list[StepView] = field(default_factory=list)
    after: list[StepView] = field(default_factory=list)
    step_count: int | None = None  # for the first entry: how many steps the draft started with


def history_rows(
    edits: Iterable[SegmentationEdit], text: str, type_names: dict[str, str]
) -> list[HistoryRow]:
    """One row per entry, oldest first; ``text`` is the segmented field."""
    edits = list(edits)
    revision_of = {edit.pk: edit.revision for edit in edits}
    return [_row(edit, text, type_names, revision_of) for edit in edits]


def _row(edit, text: str, type_names: dict[str, str], revision_of: dict[int, int]) -> HistoryRow:
    row = HistoryRow(
        revision=edit.revision,
        created_at=edit.created_at,
        author=edit.author.get_username() if edit.author else "(deleted user)",
        operation=edit.get_operation_display(),
        detail=_detail(edit, type_names, revision_of),
    )
    if edit.operation == Op.START:
        row.step_count = len(edit.after)
    elif edit.position is not None:
        row.before = _steps(edit.before, edit.position, text, type_names)
        row.after = _steps(edit.after, edit.position, text, type_names)
    return row


def _detail(edit, type_names: dict[str, str], revision_of: dict[int, int]) -> str:
    params = edit.params or {}
    if edit.operation in (Op.UNDO, Op.REDO) and edit.target_id:
        return f"of revision {revision_of.get(edit.target_id, '?')}"
    parts = []
    if "type" in params:
        parts.append(f"to {type_names.get(params['type'], params['type']) or 'untyped'}")
    if "rating" in params:
        parts.append(RATING_NAMES.get(params["rating"], str(params["rating"])))
    if "unit" in params:
        way = "forward" if params.get("direction") == 1 else "back"
        parts.append(f"one {params['unit']} {way}")
    if "direction" in params and edit.operation == Op.MERGE:
        parts.append(f"with the {params['direction']} step")
    if "flagged" in params:
        parts.append("flagged" if params["flagged"] else "unflagged")
    if params.get("to_end"):
        parts.append("from this step to the end")
    return ", ".join(parts)


def _steps(spans: list[dict], position: int, text: str, type_names: dict[str, str]) -> list[StepView]:
    return [
        StepView(
            number=position + offset + 1,
            text=_snippet(text[span["start"] : span["end"]]),
            type=type_names.get(span.get("type", ""), span.get("type", "")) or "untyped",
            rating=RATING_NAMES.get(span.get("rating"), str(span.get("rating"))),
            flagged=bool(span.get("flagged")),
            note=span.get("note", ""),
        )
        for offset, span in enumerate(spans)
    ]


def _snippet(text: str) -> str:
    """The step's text on one line, its middle cut when long: start and end locate a step."""
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    half = SNIPPET_CHARS // 2 - 1
    return f"{flat[:half]} \u2026 {flat[-half:]}"

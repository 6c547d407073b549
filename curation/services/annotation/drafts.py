"""A draft's steps and history in the database: read them, store a splice, append an entry.

The edit operations (``annotation.py``) decide what changes and check the revision; this module
only knows how a splice becomes rows: labels are updated in place, a split or merge replaces its
range (the steps after it keep their rows: see ``Step.position``), and every change is appended
to ``SegmentationEdit``. The
statements every edit makes are written out with ``rawsql`` (the ORM's query building cost more
CPU than the database spent running them); the rarer structural ones use the ORM.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence

from django.db import connection
from django.utils import timezone

from curation.models import (
    REWRITE_FIELD, Assignment, Segmentation, SegmentationEdit, Step, Trace, TraceRewrite,
)
from curation.segment.edits import EditableStep, Splice, StepWindow
from curation.services.annotation import rawsql

Op = SegmentationEdit.Operation
STEP_OPERATIONS = {Op.SPLIT, Op.MERGE, Op.MOVE, Op.TYPE, Op.RATE, Op.NOTE, Op.FLAG}


def field_text(segmentation: Segmentation) -> str:
    """Only the field being cut: a trace row also holds the problem and the other field."""
    if segmentation.field == REWRITE_FIELD:
        return TraceRewrite.objects.values_list("text", flat=True).get(pk=segmentation.rewrite_id)
    return Trace.objects.values_list(segmentation.field, flat=True).get(pk=segmentation.trace_id)


def _text_subquery(segmentation: Segmentation, draft: str) -> str:
    """The SQL that reads the text a draft's steps point into: a trace field or its rewrite."""
    if segmentation.field == REWRITE_FIELD:
        rewrite = rawsql.table(TraceRewrite)
        return (f"SELECT {rawsql.column(TraceRewrite, 'text')} FROM {rewrite}"
                f" WHERE {rewrite}.id = {draft}.rewrite_id")
    trace = rawsql.table(Trace)
    return (f"SELECT {rawsql.column(Trace, segmentation.field)} FROM {trace}"
            f" WHERE {trace}.id = {draft}.trace_id")


def take_revision(segmentation: Segmentation, user, seen: int) -> str | None:
    """Bump the revision from ``seen`` and return the field's text, in one statement; or None.

    It matches only while ``seen`` is current, the draft (or work sent back) is ``user``'s, and their assignment on
    it is active; the row lock it takes makes concurrent edits of one draft queue up until
    commit. The assignment's activity is the draft's ``updated_at``, set here too.
    """
    draft, assignment = (rawsql.table(model) for model in (Segmentation, Assignment))
    row = rawsql.fetch_one(
        f"UPDATE {draft} SET revision = revision + 1, updated_at = %s"
        f" WHERE {draft}.id = %s AND revision = %s AND author_id = %s AND status IN (%s, %s)"
        f" AND EXISTS (SELECT 1 FROM {assignment} WHERE {assignment}.segmentation_id = {draft}.id"
        f" AND {assignment}.annotator_id = %s AND {assignment}.status = %s)"
        f" RETURNING ({_text_subquery(segmentation, draft)})",
        [
            connection.ops.adapt_datetimefield_value(timezone.now()),
            segmentation.pk, seen, user.pk, Segmentation.Status.DRAFT, Segmentation.Status.SENT_BACK,
            user.pk, Assignment.Status.ACTIVE,
        ],
    )
    return None if row is None else row[0]


def load_steps(segmentation: Segmentation) -> list[EditableStep]:
    columns = ", ".join(rawsql.column(Step, name) for name in EditableStep.__slots__)
    rows = rawsql.fetch_all(
        f"SELECT {columns} FROM {rawsql.table(Step)} WHERE segmentation_id = %s"
        f" ORDER BY {rawsql.column(Step, 'position')}",
        [segmentation.pk],
    )
    return [_editable(row) for row in rows]


def _editable(row: tuple) -> EditableStep:
    start, end, type, rating, note, flagged = row
    return EditableStep(start, end, type, rating, note, bool(flagged))


class StoredWindow(StepWindow):
    """A window as read from the database: each of its steps' stored ``positions`` too, which
    ``store`` needs to write a splice of it (the index of a step is only its rank)."""

    def __init__(self, length: int, first: int, steps: list[EditableStep], positions: list[float],
                 counts: tuple[int, int, int], load_all: Callable[[], list[EditableStep]]) -> None:
        super().__init__(length, first, steps, counts, load_all)
        self.positions = positions

    def positions_of(self, start: int, stop: int) -> list[float] | None:
        """The positions of the steps at indexes ``start`` to ``stop`` (fewer at the end of the
        list), or None when the window does not reach them."""
        stop = min(stop, self.length)
        if not self._holds(start, stop):
            return None
        return self.positions[start - self.first : stop - self.first]


def load_window(segmentation: Segmentation, first: int, stop: int | None) -> StoredWindow:
    """The steps at indexes ``first`` to ``stop`` (None: to the end) with the draft's step
    count and label counts, in one statement: an edit of an 800-step draft reads a few rows and
    four numbers instead of 800 rows. The rest is read only if something asks for it."""
    first = max(0, first)
    limit = [] if stop is None else [max(0, stop - first)]
    rows = rawsql.fetch_all(
        _window_sql(connection.vendor, to_end=stop is None),
        [segmentation.pk, segmentation.pk, *limit, first],
    )
    length, *counts = (int(value or 0) for value in rows[0][:4])
    found = [row[4:] for row in rows if row[4] is not None]
    return StoredWindow(
        length, first, [_editable(row[1:]) for row in found], [row[0] for row in found],
        tuple(counts), lambda: load_steps(segmentation),
    )


@functools.cache  # the same text on every edit; by database vendor
def _window_sql(vendor: str, *, to_end: bool) -> str:
    step, position = rawsql.table(Step), rawsql.column(Step, "position")
    names = ("position", *EditableStep.__slots__)
    inner = ", ".join(rawsql.column(Step, name) for name in names)
    outer = ", ".join(rawsql.column(Step, name, "w") for name in names)
    # The steps at ranks first.. are the rows after the first ``first`` in position order.
    limit = "LIMIT %s" if not to_end else "LIMIT -1" if vendor == "sqlite" else ""
    return (
        f"SELECT c.steps, c.unrated, c.untyped, c.flagged, {outer} FROM (SELECT COUNT(*) AS steps,"
        f" SUM(CASE WHEN rating IS NULL THEN 1 ELSE 0 END) AS unrated,"
        f" SUM(CASE WHEN type = '' THEN 1 ELSE 0 END) AS untyped,"
        f" SUM(CASE WHEN flagged THEN 1 ELSE 0 END) AS flagged"
        f" FROM {step} WHERE segmentation_id = %s) c"
        f" LEFT JOIN (SELECT {inner} FROM {step} WHERE segmentation_id = %s"
        f" ORDER BY {position} {limit} OFFSET %s) w ON 1 = 1"
        f" ORDER BY w.{position}"
    )


def store(
    segmentation: Segmentation, steps: Sequence[EditableStep], splice: Splice, entry: dict
) -> Sequence[EditableStep]:
    """Store the splice and append its history ``entry`` (``record_values``); the new steps.

    Rows are changed in place when the count holds, else the range is replaced, the new steps
    taking the positions of those they replace and, for any more, positions between the last of
    those and the next step: no other step is touched. On PostgreSQL all of it is one statement
    (``rawsql.execute_together``: the statements touch different rows, and the unique
    (segmentation, position) constraint is checked at commit).
    """
    new_steps = steps.spliced(splice) if isinstance(steps, StepWindow) else splice.apply(steps)
    statements = _splice_statements(segmentation, steps, splice)
    rawsql.execute_together([*statements, _record_statement(entry)])
    return new_steps


def _splice_statements(
    segmentation: Segmentation, steps: Sequence[EditableStep], splice: Splice
) -> list[tuple[str, list]]:
    first, removed, added = splice.index, len(splice.before), len(splice.after)
    stored = _stored_positions(segmentation, steps, first, first + removed + 1)
    old, following = stored[:removed], (stored[removed] if len(stored) > removed else None)
    if removed == added:
        return [
            _update_step(segmentation, at, _changed_fields(before, after))
            for at, before, after in zip(old, splice.before, splice.after)
            if before != after
        ]
    positions = new_positions(old, following, added)
    if positions is None:  # no room left between two positions: number them all afresh, once
        _respace(segmentation)
        old = [float(n) for n in range(first, first + removed)]
        following = None if following is None else float(first + removed)
        positions = new_positions(old, following, added)
    step, position = rawsql.table(Step), rawsql.column(Step, "position")
    delete = (
        f"DELETE FROM {step} WHERE segmentation_id = %s AND {position} >= %s AND {position} <= %s",
        [segmentation.pk, old[0], old[-1]],
    )
    rows = [
        {"segmentation": segmentation.pk, "position": at, **step.as_dict()}
        for at, step in zip(positions, splice.after)
    ]
    return [delete, rawsql.insert_statement(Step, rows)]


def new_positions(old: list[float], following: float | None, count: int) -> list[float] | None:
    """Positions for ``count`` steps that replace the steps at positions ``old`` (one or more),
    before the step at ``following`` (None: they are the last). Those of ``old`` are taken
    first, in order; any more go evenly between the last of them and ``following`` (one apart
    after the last step). None when doubles that close cannot be told apart (a gap halved about
    fifty times over)."""
    kept, extra = old[:count], max(0, count - len(old))
    gap = 1.0 if following is None else (following - old[-1]) / (extra + 1)
    positions = [*kept, *(old[-1] + gap * n for n in range(1, extra + 1))]
    bounded = positions if following is None else [*positions, following]
    return positions if all(a < b for a, b in itertools.pairwise(bounded)) else None


def _stored_positions(
    segmentation: Segmentation, steps: Sequence[EditableStep], start: int, stop: int
) -> list[float]:
    """The positions of the steps at indexes ``start`` to ``stop``: from the window the edit
    read (always, on the edit path), else read by rank."""
    if isinstance(steps, StoredWindow):
        known = steps.positions_of(start, stop)
        if known is not None:
            return known
    position = rawsql.column(Step, "position")
    rows = rawsql.fetch_all(
        f"SELECT {position} FROM {rawsql.table(Step)} WHERE segmentation_id = %s"
        f" ORDER BY {position} LIMIT %s OFFSET %s",
        [segmentation.pk, stop - start, start],
    )
    return [row[0] for row in rows]


def _respace(segmentation: Segmentation) -> None:
    """Set each step's position to its index (0, 1, 2, ...), in one statement. (The unique
    (segmentation, position) constraint is deferred on PostgreSQL; SQLite has no deferrable
    constraints, so Django does not create it there.)"""
    step, position = rawsql.table(Step), rawsql.column(Step, "position")
    rawsql.execute(
        f"UPDATE {step} SET {position} = ranked.rank FROM (SELECT id, ROW_NUMBER() OVER"
        f" (ORDER BY {position}) - 1 AS rank FROM {step} WHERE segmentation_id = %s) ranked"
        f" WHERE {step}.id = ranked.id",
        [segmentation.pk],
    )


def _update_step(segmentation: Segmentation, position: float, changed: dict) -> tuple[str, list]:
    # ``position`` as read: a double goes to Python and back without rounding on both backends.
    assignments = ", ".join(f"{rawsql.column(Step, name)} = %s" for name in changed)
    return (
        f"UPDATE {rawsql.table(Step)} SET {assignments}"
        f" WHERE segmentation_id = %s AND {rawsql.column(Step, 'position')} = %s",
        [*rawsql.db_values(Step, changed), segmentation.pk, position],
    )


def _changed_fields(old: EditableStep, new: EditableStep) -> dict:
    changed = {
        name: getattr(new, name)
        for name in EditableStep.__slots__
        if getattr(old, name) != getattr(new, name)
    }
    if "start" in changed or "end" in changed:
        changed["token_count"] = None  # counted by the segmenter for the old span: now wrong
    if "rating" in changed or "type" in changed:
        # A person changed the label: it is theirs now, whoever proposed the one before
        # (accepting a proposal sets its source again after this edit, services.assist).
        changed["label_source"], changed["verified_by"] = "", None
    return changed


def record_values(
    segmentation: Segmentation,
    user,
    operation: str,
    params: dict,
    splice: Splice,
    revision: int,
    target: SegmentationEdit | None = None,
) -> dict:
    """One entry of the history: who, what (operation and its parameters), before/after."""
    return {
        "segmentation": segmentation.pk,
        "author": user.pk,
        "operation": operation,
        "params": params,
        "position": splice.index,
        "before": [step.as_dict() for step in splice.before],
        "after": [step.as_dict() for step in splice.after],
        "revision": revision,
        "target": target.pk if target else None,
    }


def _record_statement(entry: dict) -> tuple[str, list]:
    return rawsql.insert_statement(SegmentationEdit, [entry])


def splice_of(edit: SegmentationEdit) -> Splice:
    before = tuple(EditableStep.from_dict(step) for step in edit.before)
    after = tuple(EditableStep.from_dict(step) for step in edit.after)
    return Splice(edit.position, before, after, focus=edit.position)


def undo_redo_stacks(segmentation: Segmentation) -> tuple[list[int], list[int]]:
    """Replay the history's edits, undos and redos into the undo and redo stacks of edit ids."""
    undo_stack: list[int] = []
    redo_stack: list[int] = []
    rows = SegmentationEdit.objects.filter(segmentation=segmentation).order_by("id")
    for edit_id, operation, target_id in rows.values_list("id", "operation", "target_id"):
        if operation in STEP_OPERATIONS:
            undo_stack.append(edit_id)
            redo_stack.clear()
        elif operation == Op.UNDO:
            redo_stack.append(undo_stack.pop())
        elif operation == Op.REDO:
            undo_stack.append(redo_stack.pop())
        elif operation == Op.SUBMIT:  # a submit is a checkpoint: review or fixes start afresh
            undo_stack.clear()
            redo_stack.clear()
    return undo_stack, redo_stack

"""A draft's steps and history in the database: read them, store a splice, append an entry.

The edit operations (``annotation.py``) decide what changes and check the revision; this module
only knows how a splice becomes rows: labels are updated in place, a split or merge replaces its
range and shifts the steps after it, and every change is appended to ``SegmentationEdit``. The
statements every edit makes are written out with ``rawsql`` (the ORM's query building cost more
CPU than the database spent running them); the rarer structural ones use the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from curation.models import (
    REWRITE_FIELD, Assignment, Segmentation, SegmentationEdit, Step, Trace, TraceRewrite,
)
from curation.segment.edits import EditableStep, Splice, StepWindow
from curation.services.annotation import rawsql

Op = SegmentationEdit.Operation
STEP_OPERATIONS = {Op.SPLIT, Op.MERGE, Op.MOVE, Op.TYPE, Op.RATE, Op.NOTE, Op.FLAG}
# Added to every index of a block of steps before moving it by a few places, where the unique
# (segmentation, index) constraint is checked row by row (``_shift_steps``).
_SHIFT_CLEAR = 1_000_000


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
        f" ORDER BY {rawsql.column(Step, 'index')}",
        [segmentation.pk],
    )
    return [_editable(row) for row in rows]


def _editable(row: tuple) -> EditableStep:
    start, end, type, rating, note, flagged = row
    return EditableStep(start, end, type, rating, note, bool(flagged))


def load_window(segmentation: Segmentation, first: int, stop: int | None) -> StepWindow:
    """The steps at positions ``first`` to ``stop`` (None: to the end) with the draft's step
    count and label counts, in one statement: an edit of an 800-step draft reads a few rows and
    four numbers instead of 800 rows. The rest is read only if something asks for it."""
    first = max(0, first)
    rows = rawsql.fetch_all(
        _window_sql(connection.vendor, to_end=stop is None),
        [segmentation.pk, segmentation.pk, first, *([] if stop is None else [stop])],
    )
    length, *counts = (int(value or 0) for value in rows[0][:4])
    steps = [_editable(row[4:]) for row in rows if row[4] is not None]
    return StepWindow(length, first, steps, tuple(counts), lambda: load_steps(segmentation))


@functools.cache  # the same text on every edit; by database vendor
def _window_sql(vendor: str, *, to_end: bool) -> str:
    step, index = rawsql.table(Step), rawsql.column(Step, "index")
    columns = ", ".join(rawsql.column(Step, name, "s") for name in EditableStep.__slots__)
    up_to = "" if to_end else f" AND s.{index} < %s"
    return (
        f"SELECT c.steps, c.unrated, c.untyped, c.flagged, {columns} FROM (SELECT COUNT(*) AS steps,"
        f" SUM(CASE WHEN rating IS NULL THEN 1 ELSE 0 END) AS unrated,"
        f" SUM(CASE WHEN type = '' THEN 1 ELSE 0 END) AS untyped,"
        f" SUM(CASE WHEN flagged THEN 1 ELSE 0 END) AS flagged"
        f" FROM {step} WHERE segmentation_id = %s) c"
        f" LEFT JOIN {step} s ON s.segmentation_id = %s AND s.{index} >= %s{up_to}"
        f" ORDER BY s.{index}"
    )


def store(
    segmentation: Segmentation, steps: Sequence[EditableStep], splice: Splice, entry: dict
) -> Sequence[EditableStep]:
    """Store the splice and append its history ``entry`` (``record_values``); the new steps.

    Rows are changed in place when the count holds, else the range is replaced and the steps
    after it shifted. On PostgreSQL all of it is one statement (``rawsql.execute_together``:
    the statements touch different rows, and the unique (segmentation, index) constraint is
    checked at commit).
    """
    new_steps = steps.spliced(splice) if isinstance(steps, StepWindow) else splice.apply(steps)
    rawsql.execute_together([*_splice_statements(segmentation, splice), _record_statement(entry)])
    return new_steps


def _splice_statements(segmentation: Segmentation, splice: Splice) -> list[tuple[str, list]]:
    first, removed, added = splice.index, len(splice.before), len(splice.after)
    if removed == added:
        return [
            _update_step(segmentation, first + offset, _changed_fields(old, new))
            for offset, (old, new) in enumerate(zip(splice.before, splice.after))
            if old != new
        ]
    step, index = rawsql.table(Step), rawsql.column(Step, "index")
    delete = (
        f"DELETE FROM {step} WHERE segmentation_id = %s AND {index} >= %s AND {index} < %s",
        [segmentation.pk, first, first + removed],
    )
    rows = [
        {"segmentation": segmentation.pk, "index": first + offset, **step.as_dict()}
        for offset, step in enumerate(splice.after)
    ]
    shift = _shift_steps(segmentation, first + removed, added - removed)
    return [delete, *shift, *([rawsql.insert_statement(Step, rows)] if rows else [])]


def _shift_steps(segmentation: Segmentation, start: int, by: int) -> list[tuple[str, list]]:
    """The statements that renumber the steps from ``start`` on by ``by`` places.

    Where the unique (segmentation, index) constraint is checked at commit (PostgreSQL: it is
    deferred), one statement does it. Elsewhere it is checked row by row, and shifting in place
    could collide, so the block is first moved out of the way (two statements, in this order).
    """
    step, index = rawsql.table(Step), rawsql.column(Step, "index")
    tail = f"WHERE segmentation_id = %s AND {index} >= %s"
    if connection.features.supports_deferrable_unique_constraints:
        return [(f"UPDATE {step} SET {index} = {index} + %s {tail}", [by, segmentation.pk, start])]
    return [
        (f"UPDATE {step} SET {index} = {index} + %s {tail}", [_SHIFT_CLEAR, segmentation.pk, start]),
        (
            f"UPDATE {step} SET {index} = {index} - %s {tail}",
            [_SHIFT_CLEAR - by, segmentation.pk, _SHIFT_CLEAR],
        ),
    ]


def _update_step(segmentation: Segmentation, index: int, changed: dict) -> tuple[str, list]:
    assignments = ", ".join(f"{rawsql.column(Step, name)} = %s" for name in changed)
    return (
        f"UPDATE {rawsql.table(Step)} SET {assignments}"
        f" WHERE segmentation_id = %s AND {rawsql.column(Step, 'index')} = %s",
        [*rawsql.db_values(Step, changed), segmentation.pk, index],
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

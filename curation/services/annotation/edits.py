"""An annotator's edits to their segmentation: saved at once, checked against the revision, logged.

Every operation takes the revision the client last saw. The first statement of its transaction
is ``UPDATE ... SET revision = revision + 1 WHERE revision = <seen> AND <assignment active>``: it
either bumps the revision (and holds the row lock until commit, so concurrent edits of one
segmentation queue up) or matches nothing, and then the edit is refused with ``Conflict`` instead
of overwriting what another tab or person saved. The change itself comes from the pure
``curation.segment.edits`` as a splice, which ``drafts`` writes to the steps and appends to the
history; undo and redo replay recorded splices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from curation.models import Assignment, Project, Segmentation, SegmentationEdit
from curation.segment import edits
from curation.segment.edits import EditableStep, EditError, Splice, StepWindow
from curation.services import learning
from curation.services.annotation import drafts
from curation.services.annotation import queue
from curation.services.quality import submissions as quality_submissions

Op = SegmentationEdit.Operation
MAX_NOTE_LENGTH = 2000
EDITABLE = (Segmentation.Status.DRAFT, Segmentation.Status.SENT_BACK)
# Who may take the next revision: by default the annotator of their own draft. Review mode
# (curation.services.review.edits) sets its own rule here for the edits made inside it, so a
# reviewer's edits take every other step of this path and enter the same history.
REVISION_TAKER: ContextVar[Callable[..., tuple[int, str]] | None] = ContextVar("revision_taker", default=None)


class Conflict(Exception):
    """The edit was made on a stale revision, or the draft can no longer be edited."""


@dataclass
class EditorState:
    """What the editor shows: the text being cut, its steps, and what happened last."""

    segmentation: Segmentation
    text: str
    # After an edit, a window of the steps around it (the rest read if something asks).
    steps: Sequence[EditableStep]
    focus: int | None = None
    message: str = ""
    can_undo: bool = False
    can_redo: bool = False
    # The change just saved, so the page can redraw only what it touched; None: redraw everything.
    splice: Splice | None = None


def load_state(
    segmentation: Segmentation, *, focus: int | None = None, message: str = ""
) -> EditorState:
    """The segmentation as stored now (used to answer a conflict with the current state)."""
    segmentation.refresh_from_db()
    undo_stack, redo_stack = drafts.undo_redo_stacks(segmentation)
    return EditorState(
        segmentation=segmentation,
        text=drafts.field_text(segmentation),
        steps=drafts.load_steps(segmentation),
        focus=focus,
        message=message,
        can_undo=bool(undo_stack),
        can_redo=bool(redo_stack),
    )


# --- Edit operations ------------------------------------------------------------------------


def split_step(
    *, segmentation: Segmentation, user, revision: int, index: int, at: int
) -> EditorState:
    return _edit(
        segmentation,
        user,
        revision,
        Op.SPLIT,
        {"index": index, "at": at},
        lambda text, steps: edits.split_step(text, steps, index, at),
    )


def merge_steps(
    *, segmentation: Segmentation, user, revision: int, index: int, direction: str
) -> EditorState:
    """Merge step ``index`` with the ``"next"`` or ``"previous"`` one."""
    merge = {"next": edits.merge_with_next, "previous": edits.merge_with_previous}.get(direction)
    if merge is None:
        raise EditError("Merge with the next or the previous step.")
    return _edit(
        segmentation,
        user,
        revision,
        Op.MERGE,
        {"index": index, "direction": direction},
        lambda text, steps: merge(steps, index),
    )


def move_boundary(
    *, segmentation: Segmentation, user, revision: int, index: int, unit: str, direction: int
) -> EditorState:
    """Move the boundary after step ``index`` by one ``unit`` (word, sentence) in ``direction``."""
    params = {"index": index, "unit": unit, "direction": direction}
    return _edit(
        segmentation,
        user,
        revision,
        Op.MOVE,
        params,
        lambda text, steps: edits.move_boundary(text, steps, index, unit, direction),
    )


def set_type(
    *, segmentation: Segmentation, user, revision: int, index: int, type: str,
    proposal: int | None = None, to_end: bool = False,
) -> EditorState:
    """Set the type of step ``index`` (``to_end``: and of every step after it, as one edit).
    ``proposal``: the id of the proposal this accepts (kept in the history's parameters)."""
    if type and type not in _type_keys(segmentation):
        raise EditError(f"{type!r} is not a step type of this project.")
    return _edit(
        segmentation,
        user,
        revision,
        Op.TYPE,
        _with_proposal(_label_params(index, to_end, type=type), proposal),
        lambda text, steps: _label(steps, index, to_end, type=type),
    )


def rate(
    *,
    segmentation: Segmentation,
    user,
    revision: int,
    index: int,
    rating: int | None,
    proposal: int | None = None,
    to_end: bool = False,
) -> EditorState:
    """Rate step ``index`` (``to_end``: and every step after it, as one edit).
    ``proposal``: the id of the proposal this accepts (kept in the history's parameters)."""
    return _edit(
        segmentation,
        user,
        revision,
        Op.RATE,
        _with_proposal(_label_params(index, to_end, rating=rating), proposal),
        lambda text, steps: _label(steps, index, to_end, rating=rating),
    )


def _label_params(index: int, to_end: bool, **change) -> dict:
    return {"index": index, **change, **({"to_end": True} if to_end else {})}


def _label(steps: list[EditableStep], index: int, to_end: bool, **change) -> Splice:
    if to_end:
        return edits.update_steps_to_end(steps, index, **change)
    return edits.update_step(steps, index, **change)


def note(*, segmentation: Segmentation, user, revision: int, index: int, text: str) -> EditorState:
    if len(text) > MAX_NOTE_LENGTH:
        raise EditError(f"A note is at most {MAX_NOTE_LENGTH} characters.")
    return _edit(
        segmentation,
        user,
        revision,
        Op.NOTE,
        {"index": index},
        lambda field_text, steps: edits.update_step(steps, index, note=text.strip()),
    )


def flag(
    *, segmentation: Segmentation, user, revision: int, index: int, flagged: bool
) -> EditorState:
    return _edit(
        segmentation,
        user,
        revision,
        Op.FLAG,
        {"index": index, "flagged": flagged},
        lambda text, steps: edits.update_step(steps, index, flagged=flagged),
    )


def undo(*, segmentation: Segmentation, user, revision: int) -> EditorState:
    """Revert the latest edit not yet undone (the history keeps both the edit and its undo)."""
    return _replay(segmentation, user, revision, Op.UNDO)


def redo(*, segmentation: Segmentation, user, revision: int) -> EditorState:
    """Apply again the edit the latest undo reverted, unless a new edit came in between."""
    return _replay(segmentation, user, revision, Op.REDO)


def submit(
    *, segmentation: Segmentation, user, revision: int,
    time_spent_seconds: int | None = None, stop_reason: str = "",
) -> Segmentation:
    """Hand the draft (or sent-back work) in: it stops being editable and the assignment's slot
    counts as done; the change of status is recorded for review.

    ``time_spent_seconds`` (active time the editor measured) adds to what earlier rounds spent;
    ``stop_reason`` says why the annotator stopped (PRM800K's reasons). Then the quality loop
    takes it: a gold answer is scored, other work has its agreement computed by a worker.
    """
    from curation.services.review import decisions  # review builds on these edits

    changes: dict = {"status": Segmentation.Status.SUBMITTED}
    if time_spent_seconds is not None:
        changes["time_spent_seconds"] = Coalesce(F("time_spent_seconds"), 0) + time_spent_seconds
    if stop_reason:
        changes["stop_reason"] = stop_reason
    with transaction.atomic():
        new_revision, _ = _take_revision(segmentation, user, revision)
        before = Segmentation.objects.values_list("status", flat=True).get(pk=segmentation.pk)
        Segmentation.objects.filter(pk=segmentation.pk).update(**changes)
        decisions.submitted(segmentation, before, user)
        SegmentationEdit.objects.create(
            segmentation=segmentation, author=user, operation=Op.SUBMIT, revision=new_revision
        )
        _finish(_assignment(segmentation, user), Assignment.Status.SUBMITTED)
        learning.after_submission(segmentation)  # trains again after every N (on commit)
    quality_submissions.on_submitted(segmentation=segmentation)
    segmentation.refresh_from_db()
    return segmentation


def skip(*, segmentation: Segmentation, user, revision: int, reason: str) -> Assignment:
    """Give the trace back with a reason; its slot goes to someone else, never back to this user."""
    reason = reason.strip()
    if not reason:
        raise EditError("Say why you skip this trace.")
    with transaction.atomic():
        assignment = _assignment(segmentation, user)
        if not queue.reactivate(assignment):
            raise Conflict(_ENDED[assignment.status])
        current = Segmentation.objects.select_for_update().get(pk=segmentation.pk)
        if current.revision != revision:
            raise Conflict(_stale_message(revision, current.revision))
        if current.status != Segmentation.Status.DRAFT:
            raise Conflict("Work sent back to you is fixed and resubmitted, not skipped.")
        assignment.skip_reason = reason
        _finish(assignment, Assignment.Status.SKIPPED, "skip_reason")
        from curation.services.review import decisions  # review builds on these edits

        decisions.skipped(current, current.status, user, reason)
        # No draft stays "in progress": the skipped one is closed, its history kept for leads.
        current.status = Segmentation.Status.SKIPPED
        current.save(update_fields=["status"])
    return assignment


def history(segmentation: Segmentation):
    """Every edit of the segmentation, oldest first, with its author."""
    return segmentation.edits.select_related("author").order_by("id")


def _with_proposal(params: dict, proposal: int | None) -> dict:
    return {**params, "proposal": proposal} if proposal is not None else params


# --- The write path -------------------------------------------------------------------------


def _edit(
    segmentation: Segmentation,
    user,
    revision: int,
    operation: str,
    params: dict,
    make_splice: Callable[[str, Sequence[EditableStep]], Splice],
) -> EditorState:
    with transaction.atomic():
        new_revision, text = _take_revision(segmentation, user, revision)
        index = params["index"]
        stop = None if params.get("to_end") else index + _REACH + 1
        steps = _steps_around(segmentation, index - _REACH, stop)
        splice = make_splice(text, steps)
        entry = drafts.record_values(segmentation, user, operation, params, splice, new_revision)
        new_steps = _answer_steps(segmentation, drafts.store(segmentation, steps, splice, entry), splice)
    segmentation.revision = new_revision
    return EditorState(
        segmentation, text, new_steps, focus=splice.focus, can_undo=True, splice=splice
    )


# The positions around an edit's step that any operation reads: merging with the previous step
# and redrawing the neighbours of the new range reach two before it and two after it.
_REACH = 2


def _steps_around(
    segmentation: Segmentation, first: int, stop: int | None
) -> Sequence[EditableStep]:
    """The steps an edit reads: those at ``first`` to ``stop`` (a window, not the whole draft),
    or every step when the answer will match pending proposals to every step's span."""
    if getattr(segmentation, "has_pending_proposals", True):
        return drafts.load_window(segmentation, 0, None)
    return drafts.load_window(segmentation, first, stop)


def _answer_steps(
    segmentation: Segmentation, steps: Sequence[EditableStep], splice: Splice
) -> Sequence[EditableStep]:
    """The steps after an edit, with the whole list read now (in the edit's transaction, so it
    is this revision's) when the answer will need it: a redraw of everything, where the change
    is not local."""
    if isinstance(steps, StepWindow) and not edits.redraws_locally(steps, splice):
        steps.everything()
    return steps


def _replay(segmentation: Segmentation, user, revision: int, operation: str) -> EditorState:
    with transaction.atomic():
        new_revision, text = _take_revision(segmentation, user, revision)
        undo_stack, redo_stack = drafts.undo_redo_stacks(segmentation)
        stack = undo_stack if operation == Op.UNDO else redo_stack
        if not stack:
            raise EditError("Nothing to undo." if operation == Op.UNDO else "Nothing to redo.")
        target = SegmentationEdit.objects.get(pk=stack[-1])
        recorded = drafts.splice_of(target)
        splice = recorded.inverted() if operation == Op.UNDO else recorded
        steps = _steps_around(segmentation, splice.index - 1, splice.index + len(splice.before) + 1)
        entry = drafts.record_values(
            segmentation, user, operation, {"edit": target.pk}, splice, new_revision, target
        )
        new_steps = _answer_steps(segmentation, drafts.store(segmentation, steps, splice, entry), splice)
    segmentation.revision = new_revision
    # One entry moved from one stack to the other.
    undo_left = len(undo_stack) - 1 if operation == Op.UNDO else len(undo_stack) + 1
    redo_left = len(redo_stack) + 1 if operation == Op.UNDO else len(redo_stack) - 1
    return EditorState(
        segmentation,
        text,
        new_steps,
        focus=splice.focus,
        can_undo=undo_left > 0,
        can_redo=redo_left > 0,
        splice=splice,
    )


_ENDED = {
    Assignment.Status.SUBMITTED: "This trace was already submitted; it can no longer be edited.",
    Assignment.Status.SKIPPED: "You skipped this trace; it can no longer be edited.",
    Assignment.Status.EXPIRED: "Your assignment on this trace expired and the trace went to someone "
    "else; take the next trace from the queue.",
}


def _take_revision(
    segmentation: Segmentation, user, revision: int, *, retried: bool = False
) -> tuple[int, str]:
    """Take the next revision and read the field's text, or raise Conflict saying why not.

    One statement on the path every edit takes (``drafts.take_revision``); only when it
    matches nothing do the queries below find out why. An assignment that expired while the
    trace is still free is taken back once.
    """
    taker = REVISION_TAKER.get()
    if taker is not None:
        return taker(segmentation, user, revision)
    text = drafts.take_revision(segmentation, user, revision)
    if text is not None:
        return revision + 1, text
    assignment = Assignment.objects.filter(segmentation=segmentation, annotator=user).first()
    if assignment is None:
        raise Conflict("This segmentation is not assigned to you.")
    if (
        assignment.status == Assignment.Status.EXPIRED
        and not retried
        and queue.reactivate(assignment)
    ):
        return _take_revision(segmentation, user, revision, retried=True)
    if assignment.status != Assignment.Status.ACTIVE:
        raise Conflict(_ENDED[assignment.status])
    current = Segmentation.objects.get(pk=segmentation.pk)
    if current.status not in EDITABLE:
        raise Conflict(f"This trace was already {current.get_status_display().lower()}.")
    raise Conflict(_stale_message(revision, current.revision))


def _stale_message(seen: int, current: int) -> str:
    return (
        f"Not saved: these steps changed in another tab or window (you were at revision {seen}, "
        f"they are now at revision {current}). The current steps are shown; "
        "make your change again if it is still needed."
    )


def _assignment(segmentation: Segmentation, user) -> Assignment:
    assignment = Assignment.objects.filter(segmentation=segmentation, annotator=user).first()
    if assignment is None:
        raise Conflict("This segmentation is not assigned to you.")
    return assignment


def _finish(assignment: Assignment, status: str, *fields: str) -> None:
    assignment.status = status
    assignment.finished_at = timezone.now()
    assignment.save(update_fields=["status", "finished_at", *fields])


def _type_keys(segmentation: Segmentation) -> set[str]:
    schema = Project.objects.values_list("label_schema", flat=True).get(
        traces=segmentation.trace_id
    )
    return {label["key"] for label in schema}

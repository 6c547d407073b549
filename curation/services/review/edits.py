"""A reviewer's edits: the annotator's edit operations and history, on a submitted segmentation.

The edit operations of ``curation.services.annotation`` take the revision with the annotator's
rule (their own draft, their active assignment). In review mode that one step is swapped for the
reviewer's rule: the segmentation is submitted and not the reviewer's own. Everything else (the
splice, the rows, the history entry with the reviewer as author, undo and redo, the revision
check) is the annotator's path, unchanged.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from curation.models import Segmentation, Trace
from curation.services.annotation import edits as annotation
from curation.services.annotation import rawsql
from curation.services.annotation.edits import Conflict, EditorState
from curation.services.review.permissions import require_reviewer

# Operation names as the editor sends them -> the annotator's edit functions.
OPERATIONS = {
    "split": annotation.split_step, "merge": annotation.merge_steps, "move": annotation.move_boundary,
    "type": annotation.set_type, "rate": annotation.rate, "note": annotation.note,
    "flag": annotation.flag, "undo": annotation.undo, "redo": annotation.redo,
}


def review_edit(operation: str, *, segmentation: Segmentation, reviewer, revision: int, **params) -> EditorState:
    """One edit by a reviewer of a submitted segmentation, entered in its history."""
    require_reviewer(segmentation, reviewer)
    token = annotation.REVISION_TAKER.set(_take_review_revision)
    try:
        return OPERATIONS[operation](segmentation=segmentation, user=reviewer, revision=revision, **params)
    finally:
        annotation.REVISION_TAKER.reset(token)


def apply_edits(
    segmentation: Segmentation, reviewer, *, revision: int, edits: Iterable[tuple[str, dict]]
) -> int:
    """Several review edits in order, each on the revision the last left; the final revision."""
    with transaction.atomic():
        for operation, params in edits:
            state = review_edit(operation, segmentation=segmentation, reviewer=reviewer,
                                revision=revision, **params)
            revision = state.segmentation.revision
    return revision


def _take_review_revision(segmentation: Segmentation, user, revision: int) -> tuple[int, str]:
    """Bump the revision of a submitted segmentation someone else wrote; its field's text."""
    draft, trace = rawsql.table(Segmentation), rawsql.table(Trace)
    row = rawsql.fetch_one(
        f"UPDATE {draft} SET revision = revision + 1, updated_at = %s"
        f" WHERE {draft}.id = %s AND revision = %s AND status = %s"
        f" AND (author_id IS NULL OR author_id <> %s)"
        f" RETURNING (SELECT {rawsql.column(Trace, segmentation.field)} FROM {trace}"
        f" WHERE {trace}.id = {draft}.trace_id)",
        [connection.ops.adapt_datetimefield_value(timezone.now()), segmentation.pk, revision,
         Segmentation.Status.SUBMITTED, user.pk],
    )
    if row is not None:
        return revision + 1, row[0]
    current = Segmentation.objects.get(pk=segmentation.pk)
    if current.status != Segmentation.Status.SUBMITTED:
        raise Conflict(f"This segmentation is {current.get_status_display().lower()}: "
                       "only a submitted one can be edited in review.")
    if current.author_id == user.pk:
        raise Conflict("Nobody reviews their own work.")
    raise Conflict(annotation._stale_message(revision, current.revision))

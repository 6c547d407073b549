"""Annotation: the queue that hands traces out, the annotator's draft, and the edits made to it.

Entry points: ``claim_next`` / ``current_assignment`` (the queue), ``own_assignment`` (the edit
path's access check: one hand-written statement, see ``access``), and the edits
(``split_step`` ... ``submit``, ``skip``). ``rawsql`` holds the edit path's hand-written SQL.
"""
from curation.services.annotation.access import own_assignment
from curation.services.annotation.edits import (
    MAX_NOTE_LENGTH, Conflict, EditorState, flag, history, load_state, merge_steps, move_boundary,
    note, rate, redo, set_type, skip, split_step, submit, undo,
)
from curation.services.annotation.queue import (
    claim_next, current_assignment, expire_stale, open_draft, queue_summary, sent_back_assignments,
)

__all__ = [
    "MAX_NOTE_LENGTH", "Conflict", "EditorState", "claim_next", "current_assignment", "expire_stale",
    "flag", "history", "load_state", "merge_steps", "move_boundary", "note", "open_draft",
    "own_assignment", "queue_summary", "rate", "redo", "sent_back_assignments", "set_type", "skip",
    "split_step", "submit", "undo",
]

"""Review: reviewers' decisions on submitted segmentations, and adjudication between annotators.

Entry points: ``approve``, ``send_back``, ``edit_and_approve``, ``withdraw_approval`` (leads),
``resubmit`` (the annotator, after a send-back), ``review_edit`` (one edit in review mode, on the
annotator's edit path), ``adjudicate``. Reads: ``review_queue``, ``approved_list``,
``comments_for``, ``awaiting_adjudication``, ``case`` (one adjudication laid out), ``history``
(the transitions). Every change of status goes through ``transitions``, which checks it against
the state machine of ``curation.review.states`` and records who, when, from, to and why.
"""
from curation.services.review.adjudication import AdjudicationCase, adjudicate, awaiting_adjudication, case
from curation.services.review.decisions import (
    approve, edit_and_approve, resubmit, send_back, withdraw_approval,
)
from curation.services.review.edits import review_edit
from curation.services.review.selectors import (
    QueueFilters, annotators_of, approved_list, comments_for, review_queue,
)
from curation.services.review.transitions import ReviewError, history

__all__ = [
    "AdjudicationCase", "QueueFilters", "ReviewError", "adjudicate", "annotators_of", "approve",
    "approved_list", "awaiting_adjudication", "case", "comments_for", "edit_and_approve", "history",
    "resubmit", "review_edit", "send_back", "withdraw_approval",
]

"""Quality: agreement after each submission and its routing, gold items and screening, pausing
annotators, and the project's quality figures (the dashboard and the API).

Entry points: ``on_submitted`` (what ``annotation.submit`` calls), ``compute_trace_agreement``
(what the ``curation.compute_agreement`` task and ``manage.py compute_agreement`` run),
``compute_project_agreement`` (back-fill), ``mark_gold``, ``score_gold``, ``reset_screening``,
``set_paused``, ``dashboard.dashboard_figures`` (what the dashboard and the API read: the stored
figures) and ``dashboard.request_refresh`` (what a transition calls to have them recomputed). The measuring itself is the plain-Python
``curation.quality``.
"""
from curation.services.quality.agreement import (
    AUTO_APPROVED, approve_consensus, compute_project_agreement, compute_trace_agreement, consensus,
)
from curation.services.quality.gold import (
    GoldError, mark_gold, reset_screening, score_gold, set_paused, update_screening,
)
from curation.services.quality.submissions import enqueue_agreement, on_submitted

__all__ = [
    "AUTO_APPROVED", "GoldError", "approve_consensus", "compute_project_agreement",
    "compute_trace_agreement", "consensus", "enqueue_agreement", "mark_gold", "on_submitted",
    "reset_screening", "score_gold", "set_paused", "update_screening",
]

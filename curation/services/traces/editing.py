"""A lead opening a trace in the editor: their own draft, started from the segmentation they chose.

The editor edits only its user's own assignment (one statement checks that on every edit), so a
lead "edits" an annotator's or the automatic segmentation by taking a copy of it as their own
draft; the original stays as its author left it.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from curation.models import Assignment, Segmentation, Trace
from curation.services.annotation.queue import open_draft


def open_for_lead(trace: Trace, lead, source: Segmentation | None = None) -> Assignment:
    """The lead's assignment on the trace (made active), its draft copied from ``source``."""
    with transaction.atomic():
        mine = Assignment.objects.select_for_update().filter(trace=trace, annotator=lead).first()
        # One active assignment per person: the one left elsewhere can be picked up again.
        Assignment.objects.filter(
            project_id=trace.project_id, annotator=lead, status=Assignment.Status.ACTIVE
        ).exclude(trace=trace).update(status=Assignment.Status.EXPIRED)
        if mine is None:
            mine = Assignment(project_id=trace.project_id, trace=trace, annotator=lead)
        if mine.segmentation_id is None or mine.status != Assignment.Status.SUBMITTED:
            mine.status = Assignment.Status.ACTIVE
            mine.last_active_at = timezone.now()
            mine.finished_at = None
        if mine.segmentation_id is None:
            mine.segmentation = open_draft(trace, lead, source)
        mine.save()
    return mine

"""Which pools an annotator's next trace may come from: the queue asks before it claims.

- paused, or failed screening: none (no new traces; a current assignment stays theirs);
- screening pending (a new annotator of a project that screens): gold items only;
- gold due (the project's ``gold_rate`` of what they were served): gold first, then real work;
- otherwise real work only.

Gold is due when fewer than ``floor(gold_rate * (served + 1))`` of the traces served to the
annotator were gold: a fixed share, spread evenly, the same on every run.
"""
from __future__ import annotations

import math

from django.db.models import Exists, OuterRef

from curation.models import Assignment, Membership, Project, Segmentation
from curation.services.quality.gold import needs_screening

GOLD, REAL = "gold", "real"
SERVED = (Assignment.Status.ACTIVE, Assignment.Status.SUBMITTED)


def pools_for(project: Project, annotator) -> tuple[str, ...]:
    membership = Membership.objects.filter(project=project, user=annotator).first()
    if membership is None:  # a superuser who is no member: real work, unscreened
        return (REAL,)
    if membership.paused or membership.screening == "failed":
        return ()
    if needs_screening(project, membership):
        Membership.objects.filter(pk=membership.pk).update(screening="pending")
        membership.screening = "pending"
    if membership.screening == "pending":
        return (GOLD,)
    return (GOLD, REAL) if gold_due(project, annotator) else (REAL,)


def gold_due(project: Project, annotator) -> bool:
    if project.gold_rate <= 0:
        return False
    served = Assignment.objects.filter(project=project, annotator=annotator, status__in=SERVED)
    gold = served.filter(Exists(gold_segmentations().filter(trace_id=OuterRef("trace_id"))))
    return gold.count() < math.floor(project.gold_rate * (served.count() + 1))


def gold_segmentations():
    return Segmentation.objects.filter(is_gold=True, status=Segmentation.Status.APPROVED)

"""Helpers for the quality loop's database tests: traces, annotators who claim and submit."""
from __future__ import annotations

from curation.models import Membership, Segmentation, Step, Trace
from curation.services.annotation import claim_next, submit

TEXT = "We add the numbers. 2 + 2 = 4.\n\nThen we check it: 4 - 2 = 2.\n\nSo the answer is 4."
PARAGRAPHS = [(0, 30), (32, 59), (61, 79)]  # the three paragraphs of TEXT
ONE_STEP = [(0, 79)]


def add_trace(project, n: int = 0) -> Trace:
    """A trace whose automatic segmentation is TEXT's three paragraphs."""
    trace = Trace.objects.create(
        project=project, problem=f"Problem {n}", response=TEXT, content_hash=f"{project.slug}-q{n}"
    )
    seg = Segmentation.objects.create(trace=trace, field="response", origin="auto", strategy="t")
    Step.objects.bulk_create(
        Step(segmentation=seg, index=i, start=s, end=e, type="compute") for i, (s, e) in enumerate(PARAGRAPHS)
    )
    return trace


def member(django_user_model, project, name: str, role: str = "annotator", **fields):
    user = django_user_model.objects.create_user(username=name, password="pw")
    Membership.objects.create(project=project, user=user, role=role, **fields)
    return user


def set_steps(segmentation: Segmentation, spans, types=None, ratings=None) -> None:
    """Replace a draft's steps (what an annotator's edits would have left)."""
    segmentation.steps.all().delete()
    n = len(spans)
    types, ratings = types or ["compute"] * n, ratings or [None] * n
    Step.objects.bulk_create(
        Step(segmentation=segmentation, index=i, start=s, end=e, type=types[i], rating=ratings[i])
        for i, (s, e) in enumerate(spans)
    )


def annotate(project, user, spans=PARAGRAPHS, **submit_fields):
    """The user takes their next trace, cuts it into ``spans`` and submits; returns the
    assignment (None when the queue had nothing for them)."""
    assignment = claim_next(project=project, annotator=user)
    if assignment is None:
        return None
    seg = assignment.segmentation
    set_steps(seg, spans)
    seg.refresh_from_db()
    submit(segmentation=seg, user=user, revision=seg.revision, **submit_fields)
    assignment.refresh_from_db()
    return assignment

"""Helpers for the quality loop's database tests: annotators who claim, cut and submit the traces
that ``tests.factories.add_cut_trace`` makes."""
from __future__ import annotations

from curation.models import Segmentation, Step
from curation.services.annotation import claim_next, submit
from tests.factories import TEXT, paragraph_spans

PARAGRAPHS = paragraph_spans(TEXT)  # the three paragraphs of TEXT: (0, 30), (32, 59), (61, 79)
ONE_STEP = [(0, len(TEXT))]


def set_steps(segmentation: Segmentation, spans, types=None, ratings=None) -> None:
    """Replace a draft's steps (what an annotator's edits would have left)."""
    segmentation.steps.all().delete()
    n = len(spans)
    types, ratings = types or ["compute"] * n, ratings or [None] * n
    Step.objects.bulk_create(
        Step(segmentation=segmentation, position=i, start=s, end=e, type=types[i], rating=ratings[i])
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

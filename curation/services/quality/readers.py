"""The rows agreement and gold scoring read, as ``curation.quality`` plain data.

An annotator's work on a trace field is their latest submitted or approved human segmentation of
it. Left out: the gold segmentation itself, answers to gold items (they are scored, not counted
as work) and adjudicated results (made from the annotators' segmentations, not beside them).
"""
from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef

from curation.models import GoldResult, Project, Segmentation, Step
from curation.quality import Annotation, RoutingSettings, StepLabel

Status = Segmentation.Status
COUNTED = (Status.SUBMITTED, Status.APPROVED)


def annotators_work(trace_id: int, field: str) -> list[Segmentation]:
    """Each annotator's latest counted segmentation of the trace field, oldest first."""
    parent_of = Segmentation.parents.through.objects.filter(from_segmentation=OuterRef("pk"))
    rows = (
        Segmentation.objects.filter(
            trace_id=trace_id, field=field, origin=Segmentation.Origin.HUMAN,
            status__in=COUNTED, author__isnull=False, is_gold=False,
        )
        .exclude(Exists(GoldResult.objects.filter(segmentation=OuterRef("pk"))))
        .exclude(Exists(parent_of))
        .order_by("id")
    )
    latest = {seg.author_id: seg for seg in rows}
    return sorted(latest.values(), key=lambda seg: seg.pk)


def annotations_of(segmentations: list[Segmentation]) -> list[Annotation]:
    """One ``Annotation`` per segmentation (annotator: the author's user id), in input order."""
    steps: dict[int, list[StepLabel]] = defaultdict(list)
    rows = (
        Step.objects.filter(segmentation__in=segmentations)
        .order_by("segmentation_id", "position")
        .values_list("segmentation_id", "start", "end", "type", "rating")
    )
    for seg_id, start, end, type_, rating in rows:
        steps[seg_id].append(StepLabel(start, end, type_ or None, rating))
    return [Annotation(seg.author_id, steps[seg.pk]) for seg in segmentations]


def token_starts(text: str) -> list[int]:
    """Start offsets of the tokens of ``text`` with the segmenter's tokenizer (project tolerance
    in tokens)."""
    from curation.segment import load_tokenizer  # transformers loads only where tokens are asked

    tokenizer = load_tokenizer(settings.STEPWISE_TOKENIZER or None)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    return [start for start, _ in encoded["offset_mapping"]]


def tolerance_of(project: Project, text: str) -> dict:
    """``trace_agreement`` / ``gold_accuracy`` keyword arguments for the project's tolerance."""
    tokens = token_starts(text) if project.agreement_unit == "tokens" else None
    return {"text": text, "tolerance": project.agreement_tolerance, "tokens": tokens}


def routing_settings(project: Project) -> RoutingSettings:
    return RoutingSettings(
        threshold=project.agreement_threshold,
        overlap=project.overlap,
        max_annotators=project.max_annotators,
        auto_approve=project.auto_approve_consensus,
    )

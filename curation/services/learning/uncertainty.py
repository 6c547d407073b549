"""Active learning: how unsure the newest model is about each trace, and the queue order it gives.

After a version is trained, a task scores every trace of the project that has text in the
model's field (``CutScores.mean_entropy()``: 0 sure, 1 a coin toss) into ``TraceUncertainty``.
A project whose lead chose "most uncertain first" hands those traces out first, so people
correct the texts that teach the model most; traces not scored yet come after, oldest first.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery

from curation.models import LearningSettings, Project, SegmenterModel, Trace, TraceUncertainty
from curation.segment.learned import BoundaryModel

BATCH = 200


def score_uncertainty(model: SegmenterModel) -> int:
    """Store the model's uncertainty for every trace with text in its field; returns how many.

    Skipped when a newer version of the field exists (its own task scores the traces)."""
    newer = SegmenterModel.objects.filter(
        project_id=model.project_id, field=model.field, version__gt=model.version,
        status=SegmenterModel.Status.READY,
    )
    if model.status != SegmenterModel.Status.READY or newer.exists():
        return 0
    booster = BoundaryModel.from_json(model.model_json)
    traces = Trace.objects.filter(project_id=model.project_id).exclude(**{model.field: ""})
    ids = list(traces.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        rows = Trace.objects.filter(pk__in=ids[start : start + BATCH]).values_list("id", model.field)
        _store(model, [(pk, booster.score_cuts(text).mean_entropy()) for pk, text in rows])
    return len(ids)


def _store(model: SegmenterModel, scored: list[tuple[int, float]]) -> None:
    with transaction.atomic():
        TraceUncertainty.objects.filter(
            trace_id__in=[pk for pk, _ in scored], field=model.field
        ).delete()
        TraceUncertainty.objects.bulk_create(
            TraceUncertainty(trace_id=pk, field=model.field, model=model, entropy=entropy)
            for pk, entropy in scored
        )


def queue_order(project: Project) -> list:
    """The annotation queue's ``order_by`` after its own keys: oldest first, or (when the lead
    chose it) the most uncertain first, unscored traces last."""
    uncertain = LearningSettings.objects.filter(
        project=project, queue_order=LearningSettings.QueueOrder.UNCERTAIN
    )
    if not uncertain.exists():
        return ["id"]
    entropy = Subquery(
        TraceUncertainty.objects.filter(trace=OuterRef("pk")).order_by("-entropy").values("entropy")[:1]
    )
    return [entropy.desc(nulls_last=True), "id"]

"""Training a project's boundary model on its human segmentations, versioned, compared with the rules.

``start_training`` records a new version and enqueues the task on commit; ``train_model`` (the
task's body, also called in-process by ``train_segmenter --project``) reads the project's human
segmentations of the field (submitted or approved, or approved only), trains and cross-validates
the model (``curation.segment.learned``), scores the rule strategy on the same texts, stores the
model, switches it on only when the project allows it and it beats both the rules and the active
model, then asks for the traces' uncertainty under the new model.
"""
from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from curation.models import LearningSettings, Project, Segmentation, SegmenterModel
from curation.segment.evaluate import BoundaryScore, score_boundaries, trim_spans
from curation.segment.learned import train_boundary_model
from curation.services.enqueue import enqueue_on_commit
from curation.services.learning.activation import activate_model, active_model
from curation.services.learning.settings import settings_of

MIN_EXAMPLES = 5  # the learning curves start at five corrected traces
FOLDS = 5
Example = tuple[str, list[tuple[int, int]]]


def start_training(
    project: Project, field: str = "response", *, source: str | None = None, user=None
) -> SegmenterModel:
    """Record the next version of the field's model and train it on the workers (on commit)."""
    from curation import tasks  # only entry points import tasks

    model = create_version(project, field, source=source, user=user)
    enqueue_on_commit(tasks.train_segmenter_model, model.pk)
    return model


def create_version(project: Project, field: str, *, source: str | None = None, user=None) -> SegmenterModel:
    """The next version's row (status ``training``); its size is what is eligible right now."""
    source = source or settings_of(project).source
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # numbers in order
        last = SegmenterModel.objects.filter(project=project, field=field).aggregate(n=Max("version"))["n"]
        return SegmenterModel.objects.create(
            project=project, field=field, version=(last or 0) + 1, source=source,
            created_by=user, training_size=eligible_count(project, field, source),
        )


def eligible_count(project: Project, field: str, source: str) -> int:
    """Traces whose field a person cut and handed in (approved only, if so asked)."""
    return _eligible(project, field, source).values("trace_id").distinct().count()


def after_submission(segmentation: Segmentation) -> SegmenterModel | None:
    """The submit path's hook: train again once ``train_every`` new traces were handed in since
    the last version (none while one is training). One query when the project does not ask."""
    config = (
        LearningSettings.objects.filter(project__traces=segmentation.trace_id, train_every__gt=0)
        .select_related("project")
        .first()
    )
    if config is None:
        return None
    project, field = config.project, segmentation.field
    versions = SegmenterModel.objects.filter(project=project, field=field)
    if versions.filter(status=SegmenterModel.Status.TRAINING).exists():
        return None
    last = versions.order_by("-version").values_list("training_size", flat=True).first() or 0
    if eligible_count(project, field, config.source) - last < config.train_every:
        return None
    return start_training(project, field, source=config.source)


def train_model(model: SegmenterModel) -> SegmenterModel:
    """Train, cross-validate and store one version; compare with the rules; maybe switch it on."""
    project, field = model.project, model.field
    size = sum(1 for _ in examples(project, field, model.source))
    if size < MIN_EXAMPLES:
        return _fail(model, f"needs {MIN_EXAMPLES} traces cut by people, has {size}")
    folds = min(FOLDS, size)
    try:
        trained = train_boundary_model(examples(project, field, model.source), folds=folds)
    except ValueError as exc:
        return _fail(model, str(exc))
    rules, rules_name = rules_score(project, field, model.source)
    cv = trained.training["cv"]
    SegmenterModel.objects.filter(pk=model.pk).update(
        status=SegmenterModel.Status.READY, model_json=trained.to_json(), training_size=size,
        folds=folds, precision=cv["precision"], recall=cv["recall"], f1=cv["f1"],
        rules_strategy=rules_name, rules_precision=round(rules.precision, 4),
        rules_recall=round(rules.recall, 4), rules_f1=round(rules.f1, 4),
        trained_at=timezone.now(), message="",
    )
    model.refresh_from_db()
    _maybe_activate(model)
    _enqueue_uncertainty(model)
    return model


def examples(project: Project, field: str, source: str) -> Iterator[Example]:
    """(field text, steps) of one human segmentation per trace: an approved one first, else
    the newest; streamed, so memory does not grow with the project."""
    chosen: dict[int, tuple[int, str]] = {}
    rows = _eligible(project, field, source).order_by("id").values_list("id", "trace_id", "status")
    for segmentation_id, trace_id, status in rows.iterator():
        kept = chosen.get(trace_id)
        if kept is None or status == Segmentation.Status.APPROVED or kept[1] != Segmentation.Status.APPROVED:
            chosen[trace_id] = (segmentation_id, status)
    ids = sorted(segmentation_id for segmentation_id, _ in chosen.values())
    for start in range(0, len(ids), 200):
        batch = Segmentation.objects.filter(pk__in=ids[start : start + 200]).select_related("trace")
        for segmentation in batch.prefetch_related("steps").order_by("id"):
            steps = [(step.start, step.end) for step in segmentation.steps.all()]
            if steps:
                yield segmentation.trace.field_text(field), steps


def rules_score(project: Project, field: str, source: str) -> tuple[BoundaryScore, str]:
    """The rule strategy's boundary score on the same texts the model is cross-validated on
    (the rules learn nothing, so every fold scores them alike: the sum is over all texts)."""
    from curation.segment import segment_text

    name, params = _rules(project, field)
    total = BoundaryScore()
    for text, steps in examples(project, field, source):
        predicted = [(s.start, s.end) for s in segment_text(text, name, params, tokenizer=_tokenizer())]
        total.add(score_boundaries(trim_spans(text, steps), predicted))
    return total, name


def _tokenizer():
    from django.conf import settings

    from curation.segment import load_tokenizer  # transformers loads only where training runs

    return load_tokenizer(settings.STEPWISE_TOKENIZER or None)


def _rules(project: Project, field: str) -> tuple[str, dict]:
    """What the auto-segmenter uses for the field without a model (``runs.plan_for``'s choice)."""
    config = project.segmentation or {}
    strategy = config.get("strategy", "auto")
    if strategy in ("auto", "learned"):
        return ("solution" if field == "response" else "discourse"), {}
    return strategy, config.get("params", {})


def _eligible(project: Project, field: str, source: str):
    statuses = [Segmentation.Status.APPROVED]
    if source != SegmenterModel.Source.APPROVED:
        statuses.append(Segmentation.Status.SUBMITTED)
    return Segmentation.objects.filter(
        trace__project=project, field=field, origin=Segmentation.Origin.HUMAN, status__in=statuses
    )


def _maybe_activate(model: SegmenterModel) -> None:
    """Switch on by itself only when allowed, better than the rules and than the active model."""
    if not settings_of(model.project).auto_activate or not model.beats_rules:
        return
    current = active_model(model.project, model.field)
    if current is None or (current.f1 or 0.0) < model.f1:
        activate_model(model, None)


def _enqueue_uncertainty(model: SegmenterModel) -> None:
    from curation import tasks

    enqueue_on_commit(tasks.score_trace_uncertainty, model.pk)


def _fail(model: SegmenterModel, message: str) -> SegmenterModel:
    SegmenterModel.objects.filter(pk=model.pk).update(
        status=SegmenterModel.Status.FAILED, message=message, trained_at=timezone.now()
    )
    model.refresh_from_db()
    return model

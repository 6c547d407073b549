"""Which model cuts a field: the lead's choice (or the task's, when it beats both rules and
the active model), and what the auto-segmenter asks for it."""
from __future__ import annotations

from functools import lru_cache

from django.db import transaction

from curation.models import Project, SegmenterModel
from curation.segment.learned import BoundaryModel


class NotReady(ValueError):
    """Only a trained model can be switched on."""


def activate_model(model: SegmenterModel, user=None) -> SegmenterModel:
    """Make ``model`` the one that cuts its field in its project (the other versions stop)."""
    if model.status != SegmenterModel.Status.READY:
        raise NotReady(f"version {model.version} is not trained ({model.get_status_display()})")
    with transaction.atomic():
        SegmenterModel.objects.filter(
            project_id=model.project_id, field=model.field, active=True
        ).exclude(pk=model.pk).update(active=False)
        SegmenterModel.objects.filter(pk=model.pk).update(active=True, activated_by=user)
    model.refresh_from_db()
    return model


def deactivate_field(project: Project, field: str, user=None) -> int:
    """Back to the rules for ``field``; returns how many models were switched off (0 or 1)."""
    return SegmenterModel.objects.filter(project=project, field=field, active=True).update(
        active=False, activated_by=user
    )


def active_model(project: Project, field: str) -> SegmenterModel | None:
    return SegmenterModel.objects.filter(project=project, field=field, active=True).first()


def strategy_for(project: Project, field: str) -> tuple[str, dict] | None:
    """``("learned", {"model": ...})`` when the project uses a model for ``field``; None when
    the rules cut it (the run's own strategy stays)."""
    found = (
        SegmenterModel.objects.filter(project=project, field=field, active=True)
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else ("learned", {"model": loaded_model(found)})


@lru_cache(maxsize=16)
def loaded_model(model_id: int) -> BoundaryModel:
    """The booster of a stored version, parsed once per process (versions never change)."""
    text = SegmenterModel.objects.values_list("model_json", flat=True).get(pk=model_id)
    return BoundaryModel.from_json(text)

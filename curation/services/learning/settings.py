"""A project's learning settings: when to train, whether to switch on by itself, the queue order."""
from __future__ import annotations

from curation.models import LearningSettings, Project


def settings_of(project: Project) -> LearningSettings:
    """The project's settings; the defaults (unsaved) when nobody changed them yet."""
    found = LearningSettings.objects.filter(project=project).first()
    return found or LearningSettings(project=project)


def update_settings(project: Project, **values) -> LearningSettings:
    """Save the given settings (train_every, auto_activate, source, queue_order)."""
    settings, _ = LearningSettings.objects.update_or_create(project=project, defaults=values)
    return settings

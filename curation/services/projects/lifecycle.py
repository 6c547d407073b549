"""A project's life: created by a lead, archived (out of the lists, no new work), purged.

Archiving deletes nothing; only ``purge_project`` does, and only for an archived project whose
slug the lead typed again.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from curation.models import Dataset, DatasetVersion, Delivery, Membership, Project, TrainingJob
from curation.services.datasets import storage as dataset_storage


class ProjectArchived(ValueError):
    """The project is archived: it takes no new imports, runs or annotation work."""

    def __init__(self, project: Project) -> None:
        super().__init__(f"Project {project.slug!r} is archived: restore it to add work.")


def require_active(project: Project) -> None:
    if project.archived_at is not None:
        raise ProjectArchived(project)


def create_project(*, name: str, slug: str = "", description: str = "", user) -> Project:
    """A new project with the default schema; its creator becomes its lead."""
    project = Project(name=name.strip(), slug=slug or slugify(name), description=description.strip())
    project.full_clean()
    with transaction.atomic():
        project.save()
        if user is not None and user.is_authenticated:
            Membership.objects.create(project=project, user=user, role=Membership.Role.LEAD)
    return project


def archive_project(project: Project) -> Project:
    if project.archived_at is None:
        project.archived_at = timezone.now()
        project.save(update_fields=["archived_at"])
    return project


def restore_project(project: Project) -> Project:
    project.archived_at = None
    project.save(update_fields=["archived_at"])
    return project


def purge_project(project: Project, *, confirm_slug: str) -> None:
    """Delete an archived project, its rows and its files, for good."""
    if project.archived_at is None:
        raise ValueError("Archive the project before purging it.")
    if confirm_slug != project.slug:
        raise ValueError(f"Type the project's slug ({project.slug}) to purge it.")
    slug = project.slug
    with transaction.atomic():
        # Published versions are protected rows (and refuse Model.delete): purge is the one
        # place they go, so delete them as querysets, their consumers first.
        jobs = TrainingJob.objects.filter(dataset__project=project)
        Delivery.objects.filter(job__in=jobs).delete()
        Delivery.objects.filter(version__dataset__project=project).delete()
        TrainingJob.objects.filter(version__dataset__project=project).delete()
        jobs.delete()
        DatasetVersion.objects.filter(dataset__project=project).delete()
        Dataset.objects.filter(project=project).delete()
        project.delete()
        transaction.on_commit(lambda: _remove_files(slug))


def _remove_files(slug: str) -> None:
    root = dataset_storage.local_root()
    if root is not None:
        shutil.rmtree(root / slug, ignore_errors=True)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "imports" / slug, ignore_errors=True)

"""What an API caller may see: their projects, narrowed to the token's project if it has one.

Everything else (datasets, versions, traces, imports, training jobs) is looked up through
these, so an object of a project the caller cannot see is simply not found: 404, the same
answer as for an object that does not exist, which keeps guessed names from confirming anything.
"""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from curation.models import ApiToken, Dataset, DatasetVersion, Membership, Project, TrainingJob


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def visible_projects(request: Request) -> QuerySet[Project]:
    user = request.user
    projects = (
        Project.objects.all()
        if user.is_superuser
        else Project.objects.filter(memberships__user=user)
    )
    token = token_of(request)
    if token is not None and token.project_id is not None:
        projects = projects.filter(pk=token.project_id)
    return projects


def project_or_404(request: Request, slug: str) -> Project:
    project = visible_projects(request).filter(slug=slug).first()
    if project is None:
        raise NotFound("No such project.")
    return project


def require_lead(request: Request, project: Project) -> None:
    """Imports are the leads' business, in the API as in the browser."""
    if request.user.is_superuser:
        return
    if not Membership.objects.filter(
        project=project, user=request.user, role=Membership.Role.LEAD
    ).exists():
        raise PermissionDenied("Only the project's leads may do this.")


def visible_datasets(request: Request) -> QuerySet[Dataset]:
    return Dataset.objects.filter(project__in=visible_projects(request)).select_related("project")


def with_latest_published(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    latest = Max("versions__number", filter=Q(versions__status=DatasetVersion.Status.PUBLISHED))
    return datasets.annotate(latest_published=latest)


def dataset_or_404(request: Request, project_slug: str, name: str) -> Dataset:
    dataset = visible_datasets(request).filter(project__slug=project_slug, name=name).first()
    if dataset is None:
        raise NotFound("No such dataset.")
    return dataset


def dataset_by_reference(request: Request, reference: str) -> Dataset | None:
    """A dataset named ``project/name`` in a request body, or None (invisible or unknown alike)."""
    project_slug, _, name = reference.partition("/")
    return visible_datasets(request).filter(project__slug=project_slug, name=name).first()


def version_or_404(
    request: Request, project_slug: str, dataset_name: str, number: int
) -> DatasetVersion:
    dataset = dataset_or_404(request, project_slug, dataset_name)
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise NotFound("No such version.")
    version.dataset = dataset
    return version


def own_training_jobs(request: Request) -> QuerySet[TrainingJob]:
    """The caller's jobs, on datasets of projects they can (still) see."""
    return TrainingJob.objects.filter(
        owner=request.user, dataset__project__in=visible_projects(request)
    ).select_related("dataset__project", "version")

"""Who may see what: a project exists for a user only if they belong to it."""
from __future__ import annotations

from django.http import Http404, HttpRequest

from curation.models import Membership, Project


def member_projects(user):
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user).distinct()


def project_for(request: HttpRequest, slug: str, *, roles: set[str] | None = None) -> Project:
    """The project, if the user is a member (with one of ``roles`` when given); else 404.

    Answering 404 rather than 403 keeps a guessed slug from confirming that a project exists.
    """
    project = member_projects(request.user).filter(slug=slug).first()
    if project is None:
        raise Http404("No such project.")
    if roles and not request.user.is_superuser:
        if not Membership.objects.filter(project=project, user=request.user, role__in=roles).exists():
            raise Http404("No such project.")
    return project

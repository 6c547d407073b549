"""Who may see what: a project exists for a user only if they belong to it."""
from __future__ import annotations

import itertools

from django.http import Http404, HttpRequest

from curation.models import Assignment, Membership, Project, Segmentation
from curation.services import rawsql


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


def own_assignment(
    request: HttpRequest, slug: str, assignment_id: int, *, roles: set[str]
) -> Assignment:
    """The user's own assignment (with its project and draft) in a project where they have one
    of ``roles``; 404 for anything else, as ``project_for`` answers.

    Every edit starts here, so it is one hand-written statement (``rawsql``): with the ORM,
    building this query cost more than an edit's whole transaction. The trace (up to megabytes
    of text) is not read: an edit reads only the field it cuts.
    """
    user = request.user
    row = rawsql.fetch_one(
        _own_assignment_sql(len(roles)),
        [assignment_id, slug, user.pk, user.is_superuser, user.pk, *sorted(roles)],
    )
    if row is None:
        raise Http404("No such assignment.")
    ends = list(itertools.accumulate(len(m._meta.concrete_fields) for m in (Assignment, Project)))
    assignment = rawsql.load(Assignment, row[: ends[0]])
    assignment.project = rawsql.load(Project, row[ends[0] : ends[1]])
    assignment.segmentation = rawsql.load(Segmentation, row[ends[1] :])
    return assignment


def _own_assignment_sql(role_count: int) -> str:
    a, p, s, m = (rawsql.table(model) for model in (Assignment, Project, Segmentation, Membership))
    return (
        f"SELECT {rawsql.all_columns(Assignment, 'a')}, {rawsql.all_columns(Project, 'p')},"
        f" {rawsql.all_columns(Segmentation, 's')}"
        f" FROM {a} a JOIN {p} p ON p.id = a.project_id JOIN {s} s ON s.id = a.segmentation_id"
        f" WHERE a.id = %s AND p.slug = %s AND a.annotator_id = %s"
        f" AND (%s OR EXISTS (SELECT 1 FROM {m} m WHERE m.project_id = p.id"
        f" AND m.user_id = %s AND m.role IN ({rawsql.placeholders(role_count)})))"
    )

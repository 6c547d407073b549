"""Who may see and do what: the one place access is decided, for pages and the API alike.

Selectors (``projects_visible_to``, ``role_of``, ``project_for``, ``require_role``) answer the
questions; ``project_view`` (pages) and ``ProjectAccess`` (API) are built on them, and every
view and endpoint uses one of the two. A project a user cannot see does not exist for them:
404, never 403, so a guessed slug confirms nothing. A member whose role is too small is also
answered 404 on pages, 403 in the API (the API says which role it takes).

One deliberate exception: the edit path's access check is a single hand-written statement
(``curation.services.annotation.access.own_assignment``), for speed; ``project_view`` calls it.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from curation.models import ApiToken, Dataset, DatasetVersion, Membership, Project, TrainingJob

Role = Membership.Role
LEADS = frozenset({Role.LEAD})
ANNOTATORS = frozenset({Role.ANNOTATOR, Role.LEAD})  # leads annotate too
REVIEWERS = frozenset({Role.REVIEWER, Role.LEAD})
# The quality loop (issue 15). Reviewers (and leads) review: the review queue, the editor in
# review mode (approve, send back, edit and approve), the approved list, adjudication, and they
# read every trace and segmentation history of their project. Leads may also withdraw an
# approval. Nobody reviews or adjudicates their own work (``may_review_work``).
ADJUDICATORS = REVIEWERS
WITHDRAWERS = LEADS


class NoAccess(Http404):
    """The user may not see this (or it does not exist: the two are answered alike)."""


# --- Selectors ----------------------------------------------------------------------------------


def projects_visible_to(user, token: ApiToken | None = None) -> QuerySet[Project]:
    """The projects a user belongs to (every project for a superuser), narrowed to a token's."""
    if not user.is_authenticated:
        return Project.objects.none()
    projects = Project.objects.all() if user.is_superuser else Project.objects.filter(
        memberships__user=user
    )
    if token is not None and token.project_id is not None:
        projects = projects.filter(pk=token.project_id)
    return projects


def may_create_projects(user) -> bool:
    """Who may start a project (and become its lead): staff, and people who lead one already."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or Membership.objects.filter(
        user=user, role=Role.LEAD
    ).exists()


def role_of(user, project: Project) -> str | None:
    """The user's role in the project; a superuser counts as a lead; None for a non-member."""
    if user.is_superuser:
        return Role.LEAD
    if not user.is_authenticated:
        return None
    known = getattr(project, "_viewer_role", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    return project.memberships.filter(user=user).values_list("role", flat=True).first()


def has_role(user, project: Project, roles: Collection[str]) -> bool:
    return role_of(user, project) in roles


def is_lead(user, project: Project) -> bool:
    return has_role(user, project, LEADS)


def may_review(user, project: Project) -> bool:
    return has_role(user, project, REVIEWERS)


def may_withdraw(user, project: Project) -> bool:
    return has_role(user, project, WITHDRAWERS)


def may_review_work(user, project: Project, author_ids: Collection[int | None]) -> bool:
    """A reviewer of the project, judging work none of whose authors is themselves."""
    return may_review(user, project) and user.pk not in set(author_ids)


def may_read_segmentation(user, project: Project, author_id: int | None) -> bool:
    """Its author, and the project's reviewers and leads."""
    return author_id == user.pk or may_review(user, project)


def require_role(user, project: Project, roles: Collection[str]) -> None:
    """Raise ``NoAccess`` unless the user has one of ``roles`` in the project."""
    if not has_role(user, project, roles):
        raise NoAccess("No such project.")


def project_for(
    user, slug: str, *, roles: Collection[str] | None = None, token: ApiToken | None = None
) -> Project:
    """The project named ``slug`` if the user sees it (with one of ``roles`` when given).

    The user's role is read in the same statement and kept on this copy of the project (read
    for this caller alone), so that later role checks on it ask no more queries.
    """
    projects = projects_visible_to(user, token).filter(slug=slug)
    if user.is_authenticated and not user.is_superuser:
        projects = projects.annotate(viewer_role=Subquery(
            Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]))
    project = projects.first()
    if project is None:
        raise NoAccess("No such project.")
    if user.is_authenticated and not user.is_superuser:
        project._viewer_role = (user.pk, project.viewer_role)
    if roles:
        require_role(user, project, roles)
    return project


# --- Pages --------------------------------------------------------------------------------------


def project_view(
    *,
    roles: Collection[str] | None = None,
    post_roles: Collection[str] | None = None,
    assignment: bool = False,
    public: bool = False,
) -> Callable:
    """The one decorator every page view opens with: who may call it, declared at the top.

    Signs in first (unless ``public``). A URL with ``slug`` passes the view ``project`` instead:
    the project, if the user may see it with one of ``roles`` (``post_roles`` for a POST, when
    given); 404 otherwise. With ``assignment``, the URL's ``assignment_id`` becomes the user's
    own ``assignment`` (project and draft loaded) in one statement: the edit path.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if "slug" in kwargs:
                wanted = post_roles if post_roles and request.method == "POST" else roles
                _resolve(request, kwargs, wanted, assignment)
            return view(request, *args, **kwargs)

        wrapped.access = {"roles": roles, "post_roles": post_roles, "public": public}
        return wrapped if public else login_required(wrapped)

    return decorate


def _resolve(request: HttpRequest, kwargs: dict, roles, assignment: bool) -> None:
    slug = kwargs.pop("slug")
    if assignment:
        from curation.services.annotation.access import own_assignment

        found = own_assignment(request.user, slug, kwargs.pop("assignment_id"), roles=roles)
        if found is None:
            raise NoAccess("No such assignment.")
        kwargs["assignment"] = found
    else:
        kwargs["project"] = project_for(request.user, slug, roles=roles)


# --- API ----------------------------------------------------------------------------------------


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def api_projects(request) -> QuerySet[Project]:
    """``projects_visible_to`` the caller, narrowed to the project of their token if it has one."""
    return projects_visible_to(request.user, token_of(request))


def api_project(request, slug: str) -> Project:
    project = api_projects(request).filter(slug=slug).first()
    if project is None:
        raise NotFound("No such project.")
    return project


def api_lead_project(request, slug: str) -> Project:
    """The project, for one of its leads: 404 if the caller cannot see it, 403 if not a lead."""
    project = api_project(request, slug)
    if not is_lead(request.user, project):
        raise PermissionDenied("Only the project's leads may do this.")
    return project


def api_datasets(request) -> QuerySet[Dataset]:
    return Dataset.objects.filter(project__in=api_projects(request)).select_related("project")


def with_latest_published(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    latest = Max("versions__number", filter=Q(versions__status=DatasetVersion.Status.PUBLISHED))
    return datasets.annotate(latest_published=latest)


def api_dataset(request, project_slug: str, name: str) -> Dataset:
    dataset = api_datasets(request).filter(project__slug=project_slug, name=name).first()
    if dataset is None:
        raise NotFound("No such dataset.")
    return dataset


def dataset_by_reference(request, reference: str) -> Dataset | None:
    """A dataset named ``project/name`` in a request body, or None (invisible or unknown alike)."""
    project_slug, _, name = reference.partition("/")
    return api_datasets(request).filter(project__slug=project_slug, name=name).first()


def api_version(request, project_slug: str, dataset_name: str, number: int) -> DatasetVersion:
    dataset = api_dataset(request, project_slug, dataset_name)
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise NotFound("No such version.")
    version.dataset = dataset
    return version


def training_jobs_of(user, token: ApiToken | None = None) -> QuerySet[TrainingJob]:
    """The user's own jobs, on datasets of projects they can (still) see."""
    return TrainingJob.objects.filter(
        owner=user, dataset__project__in=projects_visible_to(user, token)
    ).select_related("dataset__project", "version")


def project_training_jobs(project: Project) -> QuerySet[TrainingJob]:
    """Every training job on the project's datasets, whoever owns it: what its leads oversee."""
    return TrainingJob.objects.filter(dataset__project=project).select_related(
        "dataset__project", "version", "owner"
    )


class ProjectAccess(BasePermission):
    """The one DRF permission every endpoint has: a ``read`` token only reads, and a view that
    declares ``project_roles`` (optionally ``write_roles`` for writes) is open only to those roles
    in the URL's project (``project_slug``); a project the caller cannot see is 404."""

    message = "This token may only read: writing needs a token with the write scope."

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        # A browser session is its user, with no narrower scope.
        if token is not None and request.method not in SAFE_METHODS:
            if token.scope != ApiToken.Scope.WRITE:
                self.message = ProjectAccess.message
                return False
        roles = self._roles(request, view)
        slug = getattr(view, "kwargs", {}).get("project_slug")
        if not roles or slug is None or not request.user.is_authenticated:
            return True
        project = api_project(request, slug)
        if not has_role(request.user, project, roles):
            self.message = "Only the project's leads may do this." if roles == LEADS else (
                "Your role in this project does not allow this.")
            return False
        return True

    @staticmethod
    def _roles(request, view) -> Collection[str] | None:
        if request.method not in SAFE_METHODS and getattr(view, "write_roles", None):
            return view.write_roles
        return getattr(view, "project_roles", None)

"""Projects: the list, creating one, its page, its settings, archiving and purging."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from curation.access import (
    LEADS, may_create_projects, may_review, project_view, projects_visible_to, role_of,
)
from curation.forms.projects import (
    SECTIONS, ArchiveForm, ProjectCreateForm, PurgeForm, label_formset, section_initial,
)
from curation.models import Membership, Project
from curation.services import projects as project_service
from curation.views.annotate_render import guidelines_html
from curation.views.segmentation import SegmentationSettingsForm


@project_view()
def project_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    projects = (
        projects_visible_to(request.user)
        .filter(archived_at__isnull=not archived)
        .annotate(trace_count=Count("traces", distinct=True))
    )
    context = {"projects": projects, "archived": archived,
               "may_create": may_create_projects(request.user)}
    return render(request, "curation/project_list.html", context)


@project_view()
def project_create(request: HttpRequest) -> HttpResponse:
    if not may_create_projects(request.user):
        raise PermissionDenied("Only staff and project leads start projects.")
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = project_service.create_project(
            name=data["name"], slug=data["slug"], description=data["description"], user=request.user
        )
        messages.success(request, f"Project {project.name} created; you are its lead.")
        return redirect("project-settings", project.slug)
    return render(request, "curation/projects/create.html", {"form": form})


@project_view()
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    role = role_of(request.user, project)
    is_lead = role == Membership.Role.LEAD
    context = {
        "project": project,
        "is_lead": is_lead,
        "can_annotate": (is_lead or role == Membership.Role.ANNOTATOR) and not project.is_archived,
        "can_review": may_review(request.user, project),
        "can_see_quality": is_lead or role == Membership.Role.REVIEWER,
        "trace_count": project.traces.count(),
        "import_jobs": project.import_jobs.all()[:10],
        "latest_run": project.segmentation_runs.first(),
        "segmentation_form": SegmentationSettingsForm(initial=project.segmentation),
        "recent_traces": project.traces.only("id", "problem", "teacher_model", "kind").order_by("-id")[:20],
    }
    return render(request, "curation/project_detail.html", context)


# --- Settings -------------------------------------------------------------------------------------


@project_view(roles=LEADS)
def project_settings(request: HttpRequest, project: Project) -> HttpResponse:
    """Every setting of the project, one form per section; each saves through the one check."""
    forms = {name: cls(initial=section_initial(cls, project)) for name, cls in SECTIONS.items()}
    labels = label_formset(project)
    if request.method == "POST":
        section = request.POST.get("section", "")
        if section == "labels":
            labels = label_formset(project, request.POST)
            bound = labels
        elif section in SECTIONS:
            bound = forms[section] = SECTIONS[section](request.POST)
        else:
            return HttpResponseBadRequest("No such settings section.")
        if _save_section(project, bound, section):
            messages.success(request, "Settings saved.")
            return redirect(reverse("project-settings", args=[project.slug]) + f"#{section}")
        status = 400
    else:
        status = 200
    context = {"project": project, "forms": forms, "labels": labels,
               "archive_form": ArchiveForm(), "purge_form": PurgeForm(),
               "guidelines_preview": guidelines_html(project.guidelines)}
    return render(request, "curation/projects/settings.html", context, status=status)


def _save_section(project: Project, bound, section: str) -> bool:
    if not bound.is_valid():
        return False
    changes = bound.schema_changes() if section == "labels" else bound.changes()
    try:
        clean = project_service.clean_settings(project, changes)
    except project_service.SettingsError as refused:
        if section == "labels":
            bound._non_form_errors = bound.error_class(sum(refused.errors.values(), []))
        else:
            bound.refuse(refused.errors)
        return False
    project_service.save_settings(project, clean)
    return True


@project_view(roles=LEADS)
@require_POST
def guidelines_preview(request: HttpRequest, project: Project) -> HttpResponse:
    """The guidelines as annotators will see them: rendered and sanitized on the server."""
    source = request.POST.get("guidelines", "")
    return HttpResponse(guidelines_html(source[:200_000]))


@project_view(roles=LEADS)
@require_POST
def project_archive(request: HttpRequest, project: Project) -> HttpResponse:
    if request.POST.get("restore"):
        project_service.restore_project(project)
        messages.success(request, "Project restored: it takes imports and work again.")
    elif ArchiveForm(request.POST).is_valid():
        project_service.archive_project(project)
        messages.success(request, "Project archived: it left the lists and takes no new work. Nothing was deleted.")
    else:
        messages.error(request, "Tick the confirmation to archive the project.")
    return redirect("project-settings", project.slug)


@project_view(roles=LEADS)
@require_POST
def project_purge(request: HttpRequest, project: Project) -> HttpResponse:
    form = PurgeForm(request.POST)
    try:
        project_service.purge_project(project, confirm_slug=form.data.get("slug", "").strip())
    except ValueError as refused:
        messages.error(request, str(refused))
        return redirect("project-settings", project.slug)
    messages.success(request, f"Project {project.slug} and all its data were deleted.")
    return redirect("project-list")

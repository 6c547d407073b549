"""The import pages: upload, preview as mapped, start, live progress, error table."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.forms.imports import ImportSettingsForm, ImportUploadForm, mapping_lines
from curation.access import LEADS, project_view
from curation.models import ImportJob, Project
from curation.services.imports import (
    UnsupportedFile, check_job_container, create_import_job, discard_import, outcome,
    preview_import, settled, start_import,
)
from curation.services.projects import ProjectArchived


def _job_for(project: Project, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("project"), pk=job_id, project=project)


@project_view(roles=LEADS)
def import_list(request: HttpRequest, project: Project) -> HttpResponse:
    """The upload form and the project's past imports."""
    defaults = {"preset": project.default_preset, "teacher": project.default_teacher,
                "atomic": project.default_atomic}
    form = ImportUploadForm(request.POST or None, request.FILES or None, project=project, initial=defaults)
    if request.method == "POST" and project.is_archived:
        messages.error(request, str(ProjectArchived(project)))
        return redirect(project)
    if request.method == "POST" and form.is_valid():
        form.save_mapping()
        upload = form.cleaned_data["file"]
        job = create_import_job(
            project=project, upload=upload, upload_name=upload.name, user=request.user,
            status=ImportJob.Status.STAGED, **form.job_settings(),
        )
        return redirect(job)
    jobs = project.import_jobs.all()[:50]
    return render(request, "curation/import_list.html", {"project": project, "form": form, "jobs": jobs})


@project_view(roles=LEADS)
def import_detail(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = _job_for(project, job_id)
    form = ImportSettingsForm(initial=_initial_settings(job), project=job.project)
    context = {**_progress_context(job), "form": form}
    return render(request, "curation/import_detail.html", context)


def _progress_context(job: ImportJob) -> dict:
    """The job, its segmentation run and what it all came to (the partial polls until settled)."""
    return {
        "project": job.project,
        "job": job,
        "run": job.segmentation_runs.first(),
        "settled": settled(job),
        "outcome": outcome(job),
    }


def _initial_settings(job: ImportJob) -> dict:
    return {
        "preset": job.preset,
        "mapping": mapping_lines(job.mapping),
        "teacher": job.options.get("teacher", ""),
        "atomic": job.atomic,
    }


@project_view(roles=LEADS)
def import_preview(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    """The first records as they will be mapped; POST changes the settings first."""
    job = _job_for(project, job_id)
    form = None
    if request.method == "POST" and job.status == ImportJob.Status.STAGED:
        form = ImportSettingsForm(request.POST, project=job.project)
        if form.is_valid():
            form.save_mapping()
            for key, value in form.job_settings().items():
                setattr(job, key, value)
            job.save(update_fields=["preset", "mapping", "options", "atomic"])
    context = {"job": job, "project": job.project, "form_errors": form.errors if form else None}
    if not (form and form.errors):
        try:
            context["preview"] = preview_import(job)
        except Exception as exc:  # an unreadable file is shown as such, never a 500
            context["preview_error"] = f"{type(exc).__name__}: {exc}"
    return render(request, "curation/partials/import_preview.html", context)


@project_view(roles=LEADS)
@require_POST
def import_start(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = _job_for(project, job_id)
    if job.status == ImportJob.Status.STAGED:
        try:
            check_job_container(job)
            start_import(job)
            messages.info(request, "Import started: its progress shows below.")
        except UnsupportedFile as exc:
            messages.error(request, str(exc))
        except ProjectArchived as refused:
            messages.error(request, str(refused))
    return redirect(job)


@project_view(roles=LEADS)
@require_POST
def import_discard(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    """Delete an upload that was never started, with its file."""
    job = _job_for(project, job_id)
    if job.status == ImportJob.Status.STAGED:
        discard_import(job)
        messages.info(request, f"Upload {job.original_name} discarded.")
    return redirect("import-list", slug=project.slug)


@project_view(roles=LEADS)
def import_progress(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    """The progress partial; it polls itself until the job and its segmentation have finished."""
    job = _job_for(project, job_id)
    return render(request, "curation/partials/import_progress.html", _progress_context(job))

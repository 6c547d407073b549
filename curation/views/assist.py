"""The Assist page (leads): model endpoints (add, edit, try), jobs (start, follow, cancel, resume)."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.access import LEADS, project_view
from curation.forms.assist import EndpointForm, JobForm
from curation.models import AssistJob, ModelEndpoint, Project
from curation.services import assist


@project_view(roles=LEADS)
def assist_page(request: HttpRequest, project: Project) -> HttpResponse:
    return _page(request, project, EndpointForm(), JobForm(project=project))


def _page(request, project: Project, endpoint_form, job_form, *, status: int = 200) -> HttpResponse:
    context = {
        "project": project,
        "endpoints": project.model_endpoints.all(),
        "jobs": project.assist_jobs.select_related("endpoint", "created_by")[:50],
        "endpoint_form": endpoint_form,
        "job_form": job_form,
    }
    return render(request, "curation/assist/page.html", context, status=status)


@project_view(roles=LEADS)
@require_POST
def endpoint_save(request: HttpRequest, project: Project, endpoint_id: int | None = None) -> HttpResponse:
    endpoint = get_object_or_404(ModelEndpoint, pk=endpoint_id, project=project) if endpoint_id else None
    form = EndpointForm(request.POST, instance=endpoint)
    if form.is_valid():
        try:
            saved = assist.save_endpoint(project=project, values=form.settings(), endpoint=endpoint,
                                         api_key=form.cleaned_data["api_key"], user=request.user)
        except assist.InvalidEndpoint as error:
            form.add_error("base_url", str(error))
        else:
            messages.success(request, f"Endpoint {saved.name} saved.")
            return redirect("assist", project.slug)
    if endpoint is not None:
        return render(request, "curation/assist/endpoint.html",
                      {"project": project, "endpoint": endpoint, "form": form}, status=422)
    return _page(request, project, form, JobForm(project=project), status=422)


@project_view(roles=LEADS)
def endpoint_edit(request: HttpRequest, project: Project, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(ModelEndpoint, pk=endpoint_id, project=project)
    form = EndpointForm(instance=endpoint)
    return render(request, "curation/assist/endpoint.html", {"project": project, "endpoint": endpoint, "form": form})


@project_view(roles=LEADS)
@require_POST
def endpoint_try(request: HttpRequest, project: Project, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(ModelEndpoint, pk=endpoint_id, project=project)
    check = assist.try_endpoint(endpoint)
    return render(request, "curation/assist/_check.html", {"check": check, "endpoint": endpoint})


@project_view(roles=LEADS)
@require_POST
def job_start(request: HttpRequest, project: Project) -> HttpResponse:
    form = JobForm(request.POST, project=project)
    if form.is_valid():
        try:
            job = assist.start_assist_job(project=project, user=request.user, **form.request())
        except (assist.InvalidJob, assist.InvalidSelection) as error:
            form.add_error(None, str(error))
        else:
            messages.info(request, f"Assist job #{job.pk} started on {job.traces_total} traces.")
            return redirect("assist", project.slug)
    return _page(request, project, EndpointForm(), form, status=422)


@project_view(roles=LEADS)
def job_progress(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    """The job's page with its progress bar; its polls (htmx) get only the progress part."""
    job = get_object_or_404(AssistJob.objects.select_related("endpoint"), pk=job_id, project=project)
    template = "curation/assist/_job.html" if request.htmx else "curation/assist/job.html"
    return render(request, template, {"project": project, "job": job})


@project_view(roles=LEADS)
@require_POST
def job_cancel(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = get_object_or_404(AssistJob, pk=job_id, project=project)
    assist.cancel_assist_job(job)
    return render(request, "curation/assist/_job.html", {"project": project, "job": job})


@project_view(roles=LEADS)
@require_POST
def job_resume(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = get_object_or_404(AssistJob, pk=job_id, project=project)
    try:
        assist.resume_assist_job(job)
    except assist.InvalidJob as error:
        messages.error(request, str(error))
    return redirect("assist", project.slug)

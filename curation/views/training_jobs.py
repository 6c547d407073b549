"""Training jobs in the browser: the trainer's own (each with its deliveries, deliver again on
request), and the project page where its leads see, pause, resume and remove every job that
receives the project's data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.access import LEADS, project_training_jobs, project_view, training_jobs_of
from curation.models import Delivery, Project
from curation.services.delivery import start_delivery, training_jobs

RECENT_DELIVERIES = 50


def _own_jobs(request: HttpRequest):
    return training_jobs_of(request.user)


@project_view()
def job_list(request: HttpRequest) -> HttpResponse:
    """Each job with its last delivery, then the latest deliveries of all of them."""
    last = Delivery.objects.filter(job=OuterRef("pk")).order_by("-id")
    jobs = _own_jobs(request).annotate(
        delivery_count=Count("deliveries"),
        last_outcome=Subquery(last.values("outcome")[:1]),
        last_version=Subquery(last.values("version__number")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
    )
    deliveries = (
        Delivery.objects.filter(job__in=_own_jobs(request))
        .select_related("job", "version")
        .order_by("-id")[:RECENT_DELIVERIES]
    )
    return render(
        request, "curation/training_jobs/list.html", {"jobs": jobs, "deliveries": deliveries}
    )


@project_view()
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(_own_jobs(request), pk=job_id)
    deliveries = job.deliveries.select_related("version").order_by("-id")[:200]
    context = {"job": job, "deliveries": deliveries, "metrics": metric_rows(job.metrics)}
    return render(request, "curation/training_jobs/detail.html", context)


def metric_rows(metrics: dict, prefix: str = "") -> list[tuple[str, str]]:
    """The trainer's metrics as (name, value) rows: nested objects flattened to dotted names,
    lists and other values as JSON, so the page shows a table and never a Python dict."""
    rows = []
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows.extend(metric_rows(value, f"{name}."))
        elif isinstance(value, str):
            rows.append((name, value))
        else:
            rows.append((name, json.dumps(value, ensure_ascii=False)))
    return rows


@project_view()
@require_POST
def job_deliver(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(_own_jobs(request), pk=job_id)
    try:
        version = training_jobs.version_to_deliver(job)
    except training_jobs.TrainingJobError as error:
        messages.error(request, str(error))
    else:
        _deliver(request, job, version)
    return redirect("training-job-detail", job.pk)


def _deliver(request: HttpRequest, job, version) -> None:
    try:
        started = start_delivery(job=job, version=version)
    except training_jobs.TrainingJobError as error:
        messages.error(request, str(error))
    else:
        if started:
            messages.success(request, f"Delivery of version {version.number} queued.")
        else:
            messages.info(request, f"Version {version.number} is already being delivered.")


@project_view(roles=LEADS)
def project_jobs(request: HttpRequest, project: Project) -> HttpResponse:
    """Every job that receives this project's data, whoever registered it."""
    last = Delivery.objects.filter(job=OuterRef("pk")).order_by("-id")
    jobs = project_training_jobs(project).annotate(
        delivery_count=Count("deliveries"),
        last_outcome=Subquery(last.values("outcome")[:1]),
        last_version=Subquery(last.values("version__number")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
    )
    return render(
        request, "curation/training_jobs/project.html", {"project": project, "jobs": jobs}
    )


@project_view(roles=LEADS)
@require_POST
def project_job_pause(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = get_object_or_404(project_training_jobs(project), pk=job_id)
    training_jobs.pause_job(job=job, reason=f"Paused by {request.user.get_username()}.")
    messages.success(request, f"{job.name} is paused: nothing more is delivered to it.")
    return redirect("project-training-jobs", project.slug)


@project_view(roles=LEADS)
@require_POST
def project_job_resume(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = get_object_or_404(project_training_jobs(project), pk=job_id)
    try:
        training_jobs.resume_job(job=job)
    except training_jobs.TrainingJobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{job.name} receives the next published versions again.")
    return redirect("project-training-jobs", project.slug)


@project_view(roles=LEADS)
@require_POST
def project_job_remove(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    job = get_object_or_404(project_training_jobs(project), pk=job_id)
    training_jobs.remove_job(job=job)
    messages.success(request, f"{job.name} is removed.")
    return redirect("project-training-jobs", project.slug)

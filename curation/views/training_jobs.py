"""The trainer's page: their training jobs, each with its deliveries; deliver again on request."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.access import project_view, training_jobs_of
from curation.models import Delivery
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
    return render(
        request, "curation/training_jobs/detail.html", {"job": job, "deliveries": deliveries}
    )


@project_view()
@require_POST
def job_deliver(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(_own_jobs(request), pk=job_id)
    try:
        version = training_jobs.version_to_deliver(job)
    except training_jobs.TrainingJobError as error:
        messages.error(request, str(error))
    else:
        start_delivery(job=job, version=version)
        messages.success(request, f"Delivery of version {version.number} queued.")
    return redirect("training-job-detail", job.pk)

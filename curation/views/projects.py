from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from curation.models import Membership
from curation.views.access import member_projects, project_for
from curation.views.segmentation import SegmentationSettingsForm


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = member_projects(request.user).annotate(trace_count=Count("traces", distinct=True))
    return render(request, "curation/project_list.html", {"projects": projects})


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    role = project.memberships.filter(user=request.user).values_list("role", flat=True).first()
    is_lead = request.user.is_superuser or role == Membership.Role.LEAD
    context = {
        "project": project,
        "is_lead": is_lead,
        "can_annotate": is_lead or role == Membership.Role.ANNOTATOR,
        "trace_count": project.traces.count(),
        "import_jobs": project.import_jobs.all()[:10],
        "latest_run": project.segmentation_runs.first(),
        "segmentation_form": SegmentationSettingsForm(initial=project.segmentation),
        "recent_traces": project.traces.only("id", "problem", "teacher_model", "kind").order_by("-id")[:20],
    }
    return render(request, "curation/project_detail.html", context)

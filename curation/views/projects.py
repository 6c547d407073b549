from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from curation.access import may_review, project_view, projects_visible_to, role_of
from curation.models import Membership, Project
from curation.views.segmentation import SegmentationSettingsForm


@project_view()
def project_list(request: HttpRequest) -> HttpResponse:
    projects = projects_visible_to(request.user).annotate(trace_count=Count("traces", distinct=True))
    return render(request, "curation/project_list.html", {"projects": projects})


@project_view()
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    role = role_of(request.user, project)
    is_lead = role == Membership.Role.LEAD
    context = {
        "project": project,
        "is_lead": is_lead,
        "can_annotate": is_lead or role == Membership.Role.ANNOTATOR,
        "can_review": may_review(request.user, project),
        "can_see_quality": is_lead or role == Membership.Role.REVIEWER,
        "trace_count": project.traces.count(),
        "import_jobs": project.import_jobs.all()[:10],
        "latest_run": project.segmentation_runs.first(),
        "segmentation_form": SegmentationSettingsForm(initial=project.segmentation),
        "recent_traces": project.traces.only("id", "problem", "teacher_model", "kind").order_by("-id")[:20],
    }
    return render(request, "curation/project_detail.html", context)

"""Run history: every import and segmentation run of a project, newest first, a page at a time."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from curation.access import LEADS, project_view
from curation.models import ImportJob, Project, SegmentationRun

PER_PAGE = 50


@project_view(roles=LEADS)
def run_list(request: HttpRequest, project: Project) -> HttpResponse:
    imports = ImportJob.objects.filter(project=project).order_by().values_list("pk", "created_at").annotate(
        kind=Value("import", output_field=CharField()))
    runs = SegmentationRun.objects.filter(project=project).order_by().values_list("pk", "created_at").annotate(
        kind=Value("segmentation", output_field=CharField()))
    history = imports.union(runs, all=True).order_by("-created_at", "-pk")
    page = Paginator(history, PER_PAGE).get_page(request.GET.get("page"))
    context = {"project": project, "page": page, "entries": _entries(list(page.object_list))}
    return render(request, "curation/runs/list.html", context)


def _entries(keys: list[tuple]) -> list[dict]:
    """The page's rows, loaded in two queries (one per kind), in the history's order."""
    imports = ImportJob.objects.in_bulk([pk for pk, _, kind in keys if kind == "import"])
    runs = SegmentationRun.objects.select_related("import_job").in_bulk(
        [pk for pk, _, kind in keys if kind == "segmentation"])
    entries = []
    for pk, _, kind in keys:
        if kind == "import":
            job = imports[pk]
            entries.append({"kind": kind, "object": job, "status": job.get_status_display(),
                            "failed": job.status == ImportJob.Status.FAILED,
                            "duration": job.duration_seconds, "message": job.message,
                            "errors": job.errors_count})
        else:
            run = runs[pk]
            duration = (run.finished_at - run.created_at).total_seconds() if run.finished_at else None
            entries.append({"kind": kind, "object": run, "status": run.get_status_display(),
                            "failed": run.status == SegmentationRun.Status.FAILED,
                            "duration": duration, "message": run.message, "errors": 0})
    return entries

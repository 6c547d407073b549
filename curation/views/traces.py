"""Reading one trace and the segmentations that point into it."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from curation.access import is_lead, project_view
from curation.models import Project, Trace


@project_view()
def trace_detail(request: HttpRequest, project: Project, trace_id: int) -> HttpResponse:
    trace = get_object_or_404(Trace, pk=trace_id, project=project)
    colours = {label["key"]: label["colour"] for label in project.label_schema}
    segmentations = []
    for seg in trace.segmentations.select_related("author", "rewrite").prefetch_related("steps"):
        seg.trace = trace
        text = seg.text()
        steps = [
            {"step": step, "text": text[step.start:step.end], "colour": colours.get(step.type, "#999")}
            for step in seg.steps.all()
        ]
        segmentations.append({"segmentation": seg, "steps": steps})
    return render(
        request,
        "curation/trace_detail.html",
        {
            "project": project, "trace": trace, "segmentations": segmentations,
            "is_lead": is_lead(request.user, project),
            "agreements": trace.agreements.order_by("field"),
        },
    )

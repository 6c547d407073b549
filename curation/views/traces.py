"""Reading one trace and the segmentations that point into it."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from curation.access import project_view
from curation.models import Project, Trace
from curation.segment.schema import FALLBACK_COLOUR
from curation.views.annotate_render import label_colours


@project_view()
def trace_detail(request: HttpRequest, project: Project, trace_id: int) -> HttpResponse:
    trace = get_object_or_404(Trace, pk=trace_id, project=project)
    colours = label_colours(project.label_schema)  # hex colours only: they go into style=""
    segmentations = []
    for seg in trace.segmentations.select_related("author").prefetch_related("steps"):
        text = getattr(trace, seg.field)
        steps = [
            {"step": step, "text": text[step.start:step.end], "colour": colours.get(step.type, FALLBACK_COLOUR)}
            for step in seg.steps.all()
        ]
        segmentations.append({"segmentation": seg, "steps": steps})
    return render(
        request,
        "curation/trace_detail.html",
        {"project": project, "trace": trace, "segmentations": segmentations},
    )

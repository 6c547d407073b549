"""Reading one trace and the segmentations that point into it."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from curation.models import Trace
from curation.segment.schema import FALLBACK_COLOUR
from curation.views.annotate_render import label_colours
from curation.views.access import project_for


@login_required
def trace_detail(request: HttpRequest, slug: str, trace_id: int) -> HttpResponse:
    project = project_for(request, slug)
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

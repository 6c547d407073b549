"""Adjudication pages: the trace fields waiting for it, and one trace field's sides laid over each
other, where the adjudicator takes a side per difference and resolves."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from curation.access import ADJUDICATORS, project_view
from curation.models import Project
from curation.services import review
from curation.traces.records import STEP_FIELDS
from curation.forms import review as forms
from curation.views.adjudicate_render import SIDE_COLOURS, differences_html, overlay_html

PAGE_SIZE = 50


@project_view(roles=ADJUDICATORS)
def adjudication_list(request: HttpRequest, project: Project) -> HttpResponse:
    page = Paginator(review.awaiting_adjudication(project), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "curation/review/adjudication_list.html", {"project": project, "page": page})


@project_view(roles=ADJUDICATORS)
def adjudication(request: HttpRequest, project: Project, trace_id: int, field: str) -> HttpResponse:
    if field not in STEP_FIELDS:
        raise Http404("No such field.")
    chosen = [int(n) for n in request.GET.getlist("side") if n.isdigit()]
    try:
        case = review.case(project, trace_id, field, chosen=chosen)
    except review.ReviewError as error:
        raise Http404(str(error)) from error
    names = [side.author.get_username() if side.author else f"#{side.pk}" for side in case.sides]
    context = {
        "project": project, "case": case, "names": names,
        "sides": [
            {"segmentation": s, "name": n, "colour": SIDE_COLOURS[k], "k": k, "key": k + 1,
             "steps": s.steps.count(), "cuts": case.overlay.cuts[k]}
            for k, (s, n) in enumerate(zip(case.sides, names))
        ],
        "sides_value": ",".join(f"{s.pk}:{s.revision}" for s in case.sides),
        "overlay_html": overlay_html(case.text, case.overlay),
        "differences_html": differences_html(case.text, case.differences, names),
        "difference_count": len(case.differences),
        "own": any(s.author_id == request.user.pk for s in case.sides),
    }
    return render(request, "curation/review/adjudication.html", context)


@project_view(roles=ADJUDICATORS)
@require_POST
def adjudication_resolve(request: HttpRequest, project: Project, trace_id: int, field: str) -> HttpResponse:
    form = forms.ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect("adjudication", project.slug, trace_id, field)
    sides = form.cleaned_data["sides"]
    try:
        result = review.adjudicate(
            project, request.user, trace_id=trace_id, field=field,
            segmentation_ids=[pk for pk, _ in sides], revisions=[rev for _, rev in sides],
            choices=form.cleaned_data["choices"], base=form.cleaned_data["base"] or 0,
        )
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect("adjudication", project.slug, trace_id, field)
    messages.success(request, f"Trace #{trace_id} adjudicated: segmentation #{result.pk} is approved.")
    return redirect("adjudication-list", project.slug)

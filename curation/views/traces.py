"""The trace browser (search, filters, keyset pages, bulk actions) and one trace with every cut."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from curation.access import ANNOTATORS, LEADS, is_lead, project_view
from curation.forms.assist import TraceJobForm
from curation.models import DatasetVersion, ImportJob, Membership, Project, Segmentation, Trace
from curation.services import assist
from curation.services import traces as trace_service
from curation.services.traces import FILTERS, SORTS, STATUSES, FilterError
from curation.services.traces.browse import teachers_of
from curation.segment.schema import FALLBACK_COLOUR
from curation.views.annotate_render import label_colours


@project_view(roles=ANNOTATORS)
def trace_list(request: HttpRequest, project: Project) -> HttpResponse:
    """Leads browse every trace; annotators the traces they worked on."""
    lead = is_lead(request.user, project)
    try:
        filters = trace_service.parse_filters(request.GET)
        traces = trace_service.matching_traces(project, request.user, filters)
        page = trace_service.trace_page(
            traces, sort=request.GET.get("sort") or "newest", after=request.GET.get("after") or None
        )
    except FilterError as refused:
        messages.error(request, f"Filter refused: {refused}")
        return redirect("trace-list", project.slug)
    query = filters.query_items() + ([("sort", page.sort)] if page.sort != "newest" else [])
    context = {
        "project": project, "is_lead": lead, "page": page, "filters": filters,
        "rows": [(trace, page.extras.get(trace.pk, {})) for trace in page.rows],
        "query": query, "query_string": urlencode(query),
        "next_url": f"?{urlencode([*query, ('after', page.next_cursor)])}" if page.next_cursor else "",
        "first_url": f"?{urlencode(query)}", "paged": bool(request.GET.get("after")),
        "choices": _filter_choices(project, lead), "sorts": SORTS, "actions": trace_service.ACTIONS,
    }
    template = "curation/traces/_results.html" if request.htmx else "curation/traces/list.html"
    return render(request, template, context)


def _filter_choices(project: Project, lead: bool) -> dict:
    if not lead:
        return {"statuses": STATUSES, "params": {p.name: p for p in FILTERS}}
    return {
        "statuses": STATUSES,
        "params": {p.name: p for p in FILTERS},
        "imports": project.import_jobs.filter(status=ImportJob.Status.DONE).values_list("pk", "original_name")[:200],
        "presets": sorted(set(project.import_jobs.exclude(detected_preset="").values_list("detected_preset", flat=True))),
        "teachers": teachers_of(project),
        "annotators": project.memberships.filter(
            role__in=[Membership.Role.ANNOTATOR, Membership.Role.LEAD]).values_list("user__username", flat=True),
        "versions": [
            (f"{name}/{number}", f"{name} v{number}")
            for name, number in DatasetVersion.objects.filter(
                dataset__project=project, status=DatasetVersion.Status.PUBLISHED
            ).values_list("dataset__name", "number")[:100]
        ],
    }


@project_view(roles=LEADS)
@require_POST
def trace_bulk(request: HttpRequest, project: Project) -> HttpResponse:
    """A bulk action on the ticked traces, or on every trace the filters match."""
    back = _back(project, request.POST.get("query", ""))
    try:
        traces = _chosen(request, project)
        result = trace_service.bulk_action(
            project, traces, request.POST.get("action", ""), annotator=request.POST.get("annotator", "")
        )
    except ValueError as refused:
        messages.error(request, str(refused))
        return redirect(back)
    detail = f" ({result.detail})" if result.detail else ""
    messages.success(request, f"{trace_service.ACTIONS[result.action]}: {result.traces} traces{detail}.")
    return redirect(back)


@project_view(roles=LEADS)
@require_POST
def trace_assist(request: HttpRequest, project: Project) -> HttpResponse:
    """A model-assist job on the ticked traces or on every trace the filters match, in three
    posts of one form: choose (task, endpoint, options), see the estimate (or change the
    choices), start. Nothing is written before "start"; the job page then follows it with a
    progress bar."""
    query = request.POST.get("query", "")
    step = request.POST.get("step", "choose")
    try:
        ids = list(_chosen(request, project).order_by("id").values_list("id", flat=True))
    except ValueError as refused:
        messages.error(request, f"Filter refused: {refused}")
        return redirect(_back(project, query))
    if not ids:
        messages.error(request, "Tick some traces first, or choose every trace the filters match.")
        return redirect(_back(project, query))
    if not project.model_endpoints.exists():
        messages.error(request, "Add a model endpoint on the Assist page first.")
        return redirect("assist", project.slug)
    form = TraceJobForm(request.POST if step != "choose" else None, project=project)
    context = {
        "project": project, "form": form, "count": len(ids), "query": query,
        "scope": request.POST.get("scope", "selected"), "ticked": request.POST.getlist("trace"),
        "plan": None,
    }
    if step in ("choose", "change"):  # the form (again, with the lead's choices on "change")
        return render(request, "curation/traces/assist.html", context)
    if not form.is_valid():
        return render(request, "curation/traces/assist.html", context, status=422)
    try:
        if step == "start":
            job = assist.start_assist_job(project=project, user=request.user, trace_ids=ids, **form.request())
            messages.info(request, f"Assist job #{job.pk} started on {job.traces_total} traces.")
            return redirect("assist-job-progress", project.slug, job.pk)
        context["plan"] = assist.plan_assist_job(project=project, trace_ids=ids, **form.request())
    except (assist.InvalidJob, assist.InvalidSelection) as error:
        form.add_error(None, str(error))
        return render(request, "curation/traces/assist.html", context, status=422)
    return render(request, "curation/traces/assist.html", context)


def _chosen(request: HttpRequest, project: Project):
    return trace_service.chosen_traces(
        project, request.user, scope=request.POST.get("scope", ""),
        query=request.POST.get("query", ""), ids=request.POST.getlist("trace"),
    )


def _back(project: Project, query: str) -> str:
    return reverse("trace-list", args=[project.slug]) + "?" + query


@project_view()
def trace_detail(request: HttpRequest, project: Project, trace_id: int) -> HttpResponse:
    """Every segmentation of the trace (automatic, imported, each annotator's) for a lead;
    an annotator or reviewer sees the machine's and their own."""
    trace = get_object_or_404(Trace, pk=trace_id, project=project)
    lead = is_lead(request.user, project)
    colours = label_colours(project.label_schema)
    names = {label["key"]: label["name"] for label in project.label_schema}
    found = trace.segmentations.select_related("author", "rewrite").prefetch_related("steps").order_by("field", "id")
    if not lead:
        found = found.filter(~Q(origin=Segmentation.Origin.HUMAN) | Q(author=request.user))
    segmentations = []
    for seg in found:
        seg.trace = trace
        text = seg.text()
        steps = [
            {"step": step, "text": text[step.start:step.end], "name": names.get(step.type, step.type),
             "colour": colours.get(step.type, FALLBACK_COLOUR)}
            for step in seg.steps.all()
        ]
        segmentations.append({"segmentation": seg, "steps": steps})
    context = {
        "project": project, "trace": trace, "segmentations": segmentations, "is_lead": lead,
        "agreements": trace.agreements.order_by("field"),
    }
    return render(request, "curation/trace_detail.html", context)


@project_view(roles=LEADS)
@require_POST
def trace_edit(request: HttpRequest, project: Project, trace_id: int) -> HttpResponse:
    """A lead opens the trace in the editor, as their own draft copied from the chosen cut."""
    trace = get_object_or_404(Trace, pk=trace_id, project=project)
    source = None
    if request.POST.get("segmentation", "").isdigit():
        source = get_object_or_404(Segmentation, pk=int(request.POST["segmentation"]), trace=trace)
    assignment = trace_service.open_for_lead(trace, request.user, source)
    return redirect("annotate-editor", project.slug, assignment.pk)

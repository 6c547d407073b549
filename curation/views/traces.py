"""The trace browser (search, filters, keyset pages, bulk actions) and one trace with every cut."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from curation.access import ANNOTATORS, LEADS, is_lead, project_view
from curation.forms.assist import TraceJobForm
from curation.models import Project, Segmentation, Trace
from curation.services import assist
from curation.services import traces as trace_service
from curation.services.traces import FILTERS, SORTS, STATUSES, FilterError
from curation.services.traces.choices import filter_choices
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
        "rows_html": _rows_html(project, page, lead),
        "query": query, "query_string": urlencode(query),
        "next_url": f"?{urlencode([*query, ('after', page.next_cursor)])}" if page.next_cursor else "",
        "first_url": f"?{urlencode(query)}", "paged": bool(request.GET.get("after")),
        "choices": _filter_choices(project, lead), "sorts": SORTS, "actions": trace_service.ACTIONS,
    }
    template = "curation/traces/_results.html" if request.htmx else "curation/traces/list.html"
    return render(request, template, context)


def _rows_html(project: Project, page, lead: bool) -> list[str]:
    """The page's table rows, built here rather than by the template language: fifty rows of ten
    cells were most of a page's CPU time. Every value from the database is escaped."""
    link = reverse("trace-detail", args=[project.slug, 0])[: -len("0/")]
    return [_row_html(trace, page.extras.get(trace.pk, {}), link, lead) for trace in page.rows]


def _row_html(trace: Trace, extra: dict, link: str, lead: bool) -> str:
    tick = (f'<td><input type="checkbox" name="trace" value="{trace.pk}" '
            f'aria-label="Tick trace {trace.pk}"></td>') if lead else ""
    status = extra.get("status", {})
    marks = "".join((
        '<span title="a flagged step">⚑</span>' if extra.get("flagged") else "",
        '<span title="a step rated −1">−1</span>' if extra.get("negative") else "",
        ' <span title="queued first">↑</span>' if trace.priority > 0 else "",
        " excluded" if trace.excluded else "",
        " archived" if trace.archived_at else "",
    ))
    return mark_safe(
        f'<tr>{tick}\n      <td><a href="{link}{trace.pk}/">{trace.pk}</a></td>\n'
        f'      <td class="clip">{escape(trace.excerpt)}</td><td>{escape(trace.teacher_model)}</td>'
        f'<td class="num">{trace.length}</td><td class="num">{extra.get("steps", 0)}</td>\n'
        f'      <td>{escape(status.get("reasoning") or "uncut")}</td>'
        f'<td>{escape(status.get("response") or "uncut")}</td>\n'
        f'      <td>{escape(", ".join(extra.get("annotators", [])))}</td>\n'
        f"      <td>{marks}</td></tr>"
    )


def _filter_choices(project: Project, lead: bool) -> dict:
    shown = {"statuses": STATUSES, "params": {p.name: p for p in FILTERS}}
    if not lead:
        return shown
    return {**shown, **vars(filter_choices(project))}


def _steps_html(steps: list[dict]) -> str:
    """A segmentation's steps as list items, built here: a 60k-character trace has hundreds, and
    the template language spent most of the page's CPU time on them. Every text is escaped."""
    items = []
    for item in steps:
        step = item["step"]
        meta = escape(item["name"] or "untyped")
        if step.rating is not None:
            meta += f" · rating {step.rating}"
        if step.token_count:
            meta += f" · {step.token_count} tokens"
        items.append(
            f'    <li style="border-left-color: {escape(item["colour"])}">\n'
            f'      <span class="step-meta">{meta}</span>\n'
            f'      <pre class="tex">{escape(item["text"])}</pre>\n    </li>\n'
        )
    return mark_safe("".join(items))


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
        segmentations.append({"segmentation": seg, "steps": steps, "steps_html": _steps_html(steps)})
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

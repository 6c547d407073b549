"""The reviewer's pages: the review queue, the editor in review mode and its decisions, and the
approved list with the leads' Withdraw.

Review mode is the annotator's editor (its template, script and edit endpoints' forms) with the
reviewer's rule for who may edit, Approve and Send back in place of Submit and Skip.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from curation.access import REVIEWERS, WITHDRAWERS, may_withdraw, project_view
from curation.models import Project, Segmentation
from curation.segment.edits import EditError, label_counts
from curation.services import review
from curation.services.annotation import edits as annotation
from curation.services.annotation.edits import Conflict, EditorState
from curation.forms import review as forms
from curation.views.annotate import OPERATIONS
from curation.views.annotate_render import (
    editor_data_script, guidelines_html, label_colours, workspace_parts,
)

PAGE_SIZE = 50


@project_view(roles=REVIEWERS)
def review_queue(request: HttpRequest, project: Project) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET or None)
    queue = review.review_queue(project, form.filters())
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project, "form": form, "page": page, "query": query.urlencode(),
        "annotators": review.annotators_of(project),
    }
    return render(request, "curation/review/queue.html", context)


@project_view(roles=REVIEWERS)
def approved(request: HttpRequest, project: Project) -> HttpResponse:
    page = Paginator(review.approved_list(project), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "page": page, "can_withdraw": may_withdraw(request.user, project)}
    return render(request, "curation/review/approved.html", context)


@project_view(roles=REVIEWERS)
def review_editor(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    segmentation = _segmentation(project, segmentation_id)
    state = annotation.load_state(segmentation)
    trace, schema = segmentation.trace, project.label_schema
    other = "reasoning" if segmentation.field == "response" else "response"
    context = {
        **_head_context(request, project, state),
        "editor_data": editor_data_script(state.text, state.steps, schema),  # drawn by annotate.js
        "trace": trace, "other_field": other, "other_text": getattr(trace, other),
        "guidelines": guidelines_html(project.guidelines), "rating_scale": project.rating_scale,
        "labels": [{**label, "colour": label_colours(schema)[label["key"]]} for label in schema],
        "review_comments": review.comments_for(segmentation, open_only=False),
        "transitions": review.history(segmentation),
    }
    return render(request, "curation/review/editor.html", context)


@project_view(roles=REVIEWERS)
@require_POST
def review_edit(request: HttpRequest, project: Project, segmentation_id: int, operation: str) -> HttpResponse:
    if operation not in OPERATIONS:
        raise Http404("No such operation.")
    segmentation = _segmentation(project, segmentation_id)
    form = OPERATIONS[operation][0](request.POST)
    if not form.is_valid():
        return _refused(request, project, segmentation, forms.first_error(form), status=400)
    try:
        state = review.review_edit(operation, segmentation=segmentation, reviewer=request.user, **form.cleaned_data)
    except (Conflict, review.ReviewError) as conflict:
        return _refused(request, project, segmentation, str(conflict), status=409)
    except EditError as error:
        return _refused(request, project, segmentation, str(error), status=422)
    return _workspace(request, project, state)


@project_view(roles=REVIEWERS)
@require_POST
def approve(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    return _decide(request, project, segmentation_id, forms.DecisionForm, review.approve, "approved")


@project_view(roles=REVIEWERS)
@require_POST
def send_back(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    return _decide(request, project, segmentation_id, forms.SendBackForm, review.send_back, "sent back")


@project_view(roles=WITHDRAWERS)
@require_POST
def withdraw(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    segmentation = _segmentation(project, segmentation_id)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
    else:
        try:
            review.withdraw_approval(segmentation, request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Approval of trace #{segmentation.trace_id} withdrawn: it is back in review.")
        except review.ReviewError as error:
            messages.error(request, str(error))
    return redirect("review-approved", project.slug)


# --- Helpers ------------------------------------------------------------------------------------


def _segmentation(project: Project, segmentation_id: int) -> Segmentation:
    return get_object_or_404(
        Segmentation.objects.select_related("trace", "author"), pk=segmentation_id, trace__project=project
    )


def _decide(request, project: Project, segmentation_id: int, form_class, decide, done: str) -> HttpResponse:
    """Approve or send back: validate, decide on the revision seen, go to the next in the queue."""
    segmentation = _segmentation(project, segmentation_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, project, segmentation, forms.first_error(form), status=400)
    try:
        decide(segmentation, request.user, **form.cleaned_data)
    except review.ReviewError as error:
        return _refused(request, project, segmentation, str(error), status=409)
    messages.success(request, f"Trace #{segmentation.trace_id} {done}.")
    url = reverse("review-queue", args=[project.slug])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(request, project: Project, segmentation: Segmentation, message: str, *, status: int) -> HttpResponse:
    state = annotation.load_state(segmentation, message=message)
    return _workspace(request, project, state, status=status)


def _workspace(request, project: Project, state: EditorState, *, status: int = 200) -> HttpResponse:
    """As the annotator's: the new head, and the steps the edit touched (or everything)."""
    schema = project.label_schema
    context = {
        **_head_context(request, project, state), "refused": status != 200,
        **workspace_parts(state.text, state.steps, state.splice, schema),
    }
    return render(request, "curation/annotate/_workspace.html", context, status=status)


def _head_context(request, project: Project, state: EditorState) -> dict:
    segmentation, steps = state.segmentation, state.steps
    own = segmentation.author_id == request.user.pk
    return {
        "project": project, "state": state, "segmentation": segmentation, "own_work": own,
        "editable": segmentation.status == Segmentation.Status.SUBMITTED and not own,
        **dict(zip(("unrated", "untyped", "flagged"), label_counts(steps))),
    }

"""The annotator's pages: the queue, the editor and its edit endpoints, and the edit history.

Views only translate HTTP: validate with the operation's form, call the service, render. An edit
answers with the re-rendered workspace: 200 when saved, 409 (with the current state and why) when
it was made on a stale revision, 422 when it cannot be made, 400 when the request is malformed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from curation.access import ANNOTATORS, is_lead, may_read_segmentation, project_view
from curation.models import Assignment, Project, Segmentation, StepProposal
from curation.segment.edits import EditError, label_counts
from curation.services.annotation import drafts, queue
from curation.services.annotation import edits as annotation
from curation.services import assist, review
from curation.services.annotation.edits import Conflict, EditorState
from curation.forms import annotate as forms
from curation.views.history_rows import history_rows
from curation.views.annotate_render import (
    editor_data_script,
    guidelines_html,
    label_colours,
    workspace_parts,
)

YOUR_TRACES_PER_PAGE = 20

# Operation name in the URL -> (its form, the service function taking the form's fields).
OPERATIONS = {
    "split": (forms.SplitForm, annotation.split_step),
    "merge": (forms.MergeForm, annotation.merge_steps),
    "move": (forms.MoveForm, annotation.move_boundary),
    "type": (forms.TypeForm, annotation.set_type),
    "rate": (forms.RateForm, annotation.rate),
    "note": (forms.NoteForm, annotation.note),
    "flag": (forms.FlagForm, annotation.flag),
    "undo": (forms.RevisionForm, annotation.undo),
    "redo": (forms.RevisionForm, annotation.redo),
}


@project_view(roles=ANNOTATORS)
def queue_page(request: HttpRequest, project: Project) -> HttpResponse:
    # All of one's own earlier work, a page at a time; each opens (read only once closed).
    mine = Paginator(_assignments(project).filter(annotator=request.user), YOUR_TRACES_PER_PAGE)
    lead = is_lead(request.user, project)
    context = {
        "project": project,
        "summary": queue.queue_summary(project=project, annotator=request.user),
        "current": queue.current_assignment(project=project, annotator=request.user),
        "sent_back": queue.sent_back_assignments(project=project, annotator=request.user),
        "mine": mine.get_page(request.GET.get("page")),
        "is_lead": lead,
        "everyone": _assignments(project)[:100] if lead else [],
    }
    return render(request, "curation/annotate/queue.html", context)


@project_view(roles=ANNOTATORS)
@require_POST
def take_next(request: HttpRequest, project: Project) -> HttpResponse:
    return _go_to_next(request, project)


@project_view(roles=ANNOTATORS, assignment=True)
def editor(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    state = annotation.load_state(assignment.segmentation)
    trace, project = assignment.trace, assignment.project
    # Beside the text being cut, read-only: the other field; beside a rewrite, the original.
    other = "reasoning" if state.segmentation.field == "response" else "response"
    other_label = "original response" if state.segmentation.field == "rewrite" else other
    schema = project.label_schema
    context = {
        **_head_context(assignment, state),
        # The field and the step list are drawn by the editor's script from this (page size).
        "editor_data": editor_data_script(state.text, state.steps, schema),
        "trace": trace,
        "other_field": other_label,
        "other_text": getattr(trace, other),
        "guidelines": guidelines_html(project.guidelines),
        "rating_scale": project.rating_scale,
        "labels": _labels(project),
        "review_comments": review.comments_for(state.segmentation),  # work sent back: what to fix
        "stop_reasons": Segmentation._meta.get_field("stop_reason").choices,
        # How often an open editor asks whether its steps changed elsewhere.
        "poll_ms": getattr(settings, "STEPWISE_EDITOR_POLL_MS", 4000),
    }
    return render(request, "curation/annotate/editor.html", context)


@project_view(roles=ANNOTATORS, assignment=True)
@require_POST
def edit(request: HttpRequest, assignment: Assignment, operation: str) -> HttpResponse:
    if operation not in OPERATIONS:
        raise Http404("No such operation.")
    form_class, service = OPERATIONS[operation]
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, assignment, forms.first_error(form), status=400)
    try:
        state = service(
            segmentation=assignment.segmentation, user=request.user, **form.cleaned_data
        )
    except Conflict as conflict:
        return _refused(request, assignment, str(conflict), status=409)
    except EditError as error:
        return _refused(request, assignment, str(error), status=422)
    return _workspace(request, assignment, state)


@project_view(roles=ANNOTATORS, assignment=True)
@require_GET
def revision(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    """The draft's revision, polled by open editors so a stale tab knows at once.

    One query (the edit path's own-assignment statement, which loads the draft), and a 304
    with no body while the ETag (revision and status) is unchanged.
    """
    draft = assignment.segmentation
    editable = draft.status == Segmentation.Status.DRAFT and assignment.status in (
        Assignment.Status.ACTIVE, Assignment.Status.EXPIRED,
    )
    etag = f'"{draft.revision}-{draft.status}-{assignment.status}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse({"revision": draft.revision, "editable": editable})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@project_view(roles=ANNOTATORS, assignment=True)
@require_POST
def submit(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    return _close_assignment(
        request, assignment, forms.SubmitForm, annotation.submit, "submitted",
        messages.SUCCESS,
    )


@project_view(roles=ANNOTATORS, assignment=True)
@require_POST
def skip(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    return _close_assignment(
        request, assignment, forms.SkipForm, annotation.skip, "skipped", messages.INFO
    )


def _close_assignment(
    request, assignment: Assignment, form_class, close, done: str, level: int
) -> HttpResponse:
    """Submit or skip: validate, close the segmentation on its revision, go to the next trace."""
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, assignment, forms.first_error(form), status=400)
    try:
        close(segmentation=assignment.segmentation, user=request.user, **form.cleaned_data)
    except Conflict as conflict:
        return _refused(request, assignment, str(conflict), status=409)
    messages.add_message(request, level, f"Trace #{assignment.trace_id} {done}.")
    return _go_to_next(request, assignment.project)


@project_view()
def segmentation_history(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    """Every edit and change of status of one segmentation; for its author and the project's
    reviewers and leads."""
    segmentation = get_object_or_404(
        Segmentation.objects.select_related("trace", "author"),
        pk=segmentation_id,
        trace__project=project,
    )
    if not may_read_segmentation(request.user, project, segmentation.author_id):
        raise Http404("No such segmentation.")
    type_names = {label["key"]: label["name"] for label in project.label_schema}
    rows = history_rows(annotation.history(segmentation), drafts.field_text(segmentation), type_names)
    context = {
        "project": project,
        "segmentation": segmentation,
        "rows": rows,
        "transitions": review.history(segmentation),
    }
    return render(request, "curation/annotate/history.html", context)


@project_view(roles=ANNOTATORS, assignment=True)
@require_POST
def proposal_decide(request: HttpRequest, assignment: Assignment, proposal_id: int, decision: str) -> HttpResponse:
    """Accept (an edit at the posted revision) or reject a model's proposal for a draft's step."""
    if decision not in ("accept", "reject"):
        raise Http404("No such decision.")
    proposal = get_object_or_404(StepProposal, pk=proposal_id, segmentation__trace=assignment.trace_id)
    form = forms.RevisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, assignment, forms.first_error(form), status=400)
    draft = assignment.segmentation
    try:
        if decision == "accept":
            state = assist.accept_proposal(proposal=proposal, draft=draft, user=request.user,
                                           revision=form.cleaned_data["revision"])
        else:
            assist.reject_proposal(proposal=proposal, draft=draft, user=request.user)
            state = annotation.load_state(draft, message="Proposal rejected.")
    except Conflict as conflict:
        return _refused(request, assignment, str(conflict), status=409)
    except EditError as error:
        return _refused(request, assignment, str(error), status=422)
    return _workspace(request, assignment, state)


# --- Helpers --------------------------------------------------------------------------------


def _assignments(project: Project):
    return project.assignments.select_related("annotator", "trace").order_by("-last_active_at")


def _labels(project: Project) -> list[dict]:
    """The label schema with colours safe to put in a style attribute."""
    colours = label_colours(project.label_schema)
    return [{**label, "colour": colours[label["key"]]} for label in project.label_schema]


def _go_to_next(request: HttpRequest, project: Project) -> HttpResponse:
    assignment = queue.claim_next(project=project, annotator=request.user)
    if assignment is None:
        messages.info(request, "Nothing left to annotate in this project for now.")
        url = reverse("annotate-queue", args=[project.slug])
    else:
        url = reverse("annotate-editor", args=[project.slug, assignment.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(
    request: HttpRequest, assignment: Assignment, message: str, *, status: int
) -> HttpResponse:
    state = annotation.load_state(assignment.segmentation, message=message)
    return _workspace(request, assignment, state, status=status)


def _workspace(
    request: HttpRequest, assignment: Assignment, state: EditorState, *, status: int = 200
):
    """An edit's answer: the new head, plus only the steps the edit touched (a kilobyte instead of
    the whole trace), or the whole field and list when there is no edit to go by (a refusal)."""
    schema = assignment.project.label_schema
    context = {
        **_head_context(assignment, state), "refused": status != 200,
        **workspace_parts(state.text, state.steps, state.splice, schema),
    }
    return render(request, "curation/annotate/_workspace.html", context, status=status)


def _head_context(assignment: Assignment, state: EditorState) -> dict:
    steps = state.steps
    proposals = assist.proposals_for_draft(state.segmentation, steps)
    return {
        "proposals": sorted(proposals.items()),
        "project": assignment.project,
        "assignment": assignment,
        "state": state,
        "segmentation": state.segmentation,
        "editable": state.segmentation.status in annotation.EDITABLE
        and assignment.status in (Assignment.Status.ACTIVE, Assignment.Status.EXPIRED),
        **dict(zip(("unrated", "untyped", "flagged"), label_counts(steps))),
    }

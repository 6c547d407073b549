"""The Segmenter page: a project's learned boundary models over time, against the rules.

Leads see every trained version per field (training set size, cross-validated scores, the rules'
score on the same texts), train a new one, switch one on or go back to the rules, and set when
training starts by itself and how the annotation queue is ordered.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from curation.access import LEADS, project_view
from curation.forms.learning import FieldForm, LearningSettingsForm, TrainForm
from curation.models import Project, SegmenterModel
from curation.services import learning
from curation.services.learning.activation import NotReady


def _page(project: Project) -> str:
    return reverse("segmenter", args=[project.slug])


@project_view(roles=LEADS)
def segmenter_page(request: HttpRequest, project: Project) -> HttpResponse:
    """GET: the models and settings; POST: save the settings."""
    current = learning.settings_of(project)
    form = LearningSettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            learning.update_settings(project, **form.cleaned_data)
            messages.info(request, "Learning settings saved.")
            return redirect(_page(project))
        messages.error(request, f"Settings not saved: {form.errors.as_text()}")
    models = SegmenterModel.objects.filter(project=project).select_related("created_by")
    context = {
        "project": project, "settings_form": form, "train_form": TrainForm(),
        "fields": _by_field(models),
    }
    return render(request, "curation/segmenter.html", context)


def _by_field(models) -> list[dict]:
    """Per field: its versions (newest first) and the active one."""
    fields: dict[str, list[SegmenterModel]] = {}
    for model in models.order_by("field", "-version"):
        fields.setdefault(model.field, []).append(model)
    return [
        {"name": name, "models": rows, "active": next((m for m in rows if m.active), None)}
        for name, rows in fields.items()
    ]


@project_view(roles=LEADS)
@require_POST
def segmenter_train(request: HttpRequest, project: Project) -> HttpResponse:
    form = TrainForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Training not started: {form.errors.as_text()}")
        return redirect(_page(project))
    model = learning.start_training(
        project, form.cleaned_data["field"], source=form.cleaned_data["source"] or None,
        user=request.user,
    )
    messages.info(request, f"Training version {model.version} of the {model.field} segmenter.")
    return redirect(_page(project))


@project_view(roles=LEADS)
@require_POST
def segmenter_activate(request: HttpRequest, project: Project, model_id: int) -> HttpResponse:
    model = get_object_or_404(SegmenterModel, pk=model_id, project=project)
    try:
        learning.activate_model(model, request.user)
    except NotReady as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"The {model.field} field is now cut by version {model.version}.")
    return redirect(_page(project))


@project_view(roles=LEADS)
@require_POST
def segmenter_deactivate(request: HttpRequest, project: Project) -> HttpResponse:
    form = FieldForm(request.POST)
    if form.is_valid():
        learning.deactivate_field(project, form.cleaned_data["field"], request.user)
        messages.info(request, f"The {form.cleaned_data['field']} field is cut by the rules again.")
    else:
        messages.error(request, f"Nothing changed: {form.errors.as_text()}")
    return redirect(_page(project))

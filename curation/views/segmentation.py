"""Running the auto-segmenter from the browser: strategy settings, a button, live progress."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.access import LEADS, project_view
from curation.forms.projects import STRATEGY_CHOICES
from curation.models import Project, SegmentationRun
from curation.services import segmentation


class SegmentationSettingsForm(forms.Form):
    strategy = forms.ChoiceField(choices=STRATEGY_CHOICES)
    params = forms.JSONField(
        required=False, initial=dict, help_text='Strategy parameters, e.g. {"min_tokens": 8, "max_tokens": 400}.'
    )

    def clean_params(self) -> dict:
        params = self.cleaned_data["params"] or {}
        if not isinstance(params, dict):
            raise forms.ValidationError("Parameters must be a JSON object.")
        return params

    def clean(self) -> dict:
        """The segmenter's own check, before anything is saved or run."""
        data = super().clean()
        if "strategy" in data and "params" in data:
            try:
                segmentation.check_config({"strategy": data["strategy"], "params": data["params"]})
            except ValueError as refused:
                self.add_error("params", str(refused))
        return data


@project_view(roles=LEADS)
@require_POST
def start_segmentation_run(request: HttpRequest, project: Project) -> HttpResponse:
    """Save the project's strategy and cut every trace that no person has cut."""
    form = SegmentationSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Segmentation not started: {form.errors.as_text()}")
        return redirect(project)
    if project.is_archived:
        messages.error(request, "This project is archived: restore it to segment its traces.")
        return redirect(project)
    # The strategy applies to the field it is made for; the settings page's other choices stay.
    project.segmentation = segmentation.with_default(
        project.segmentation, form.cleaned_data["strategy"], form.cleaned_data["params"]
    )
    project.save(update_fields=["segmentation"])
    run = segmentation.start_segmentation_run(project)
    messages.info(request, f"Segmenting {run.traces_total} traces.")
    return redirect(project)


@project_view()
def run_progress(request: HttpRequest, project: Project, run_id: int) -> HttpResponse:
    run = get_object_or_404(SegmentationRun, pk=run_id, project=project)
    return render(request, "curation/partials/segmentation_run.html", {"project": project, "run": run})

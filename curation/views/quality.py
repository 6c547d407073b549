"""Quality pages: the dashboard (leads and reviewers), marking gold (leads), pausing an annotator
and resetting their screening (leads, from the members page)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.access import LEADS, REVIEWERS, project_view
from curation.models import Membership, Project, Segmentation
from curation.services import quality
from curation.services.quality.dashboard import dashboard_figures


class FlagForm(forms.Form):
    """A yes/no switch posted by a button (gold, paused)."""

    value = forms.TypedChoiceField(choices=[("true", "yes"), ("false", "no")], coerce=lambda v: v == "true")


@project_view(roles=REVIEWERS)
def dashboard(request: HttpRequest, project: Project) -> HttpResponse:
    stored = dashboard_figures(project)  # the stored figures: one row, whatever the project's size
    return render(request, "curation/quality/dashboard.html",
                  {"project": project, "figures": stored.figures, "computed_at": stored.computed_at})


@project_view(roles=LEADS)
@require_POST
def segmentation_gold(request: HttpRequest, project: Project, segmentation_id: int) -> HttpResponse:
    segmentation = get_object_or_404(Segmentation, pk=segmentation_id, trace__project=project)
    gold = _posted_flag(request, "gold")
    try:
        quality.mark_gold(segmentation=segmentation, gold=gold)
    except quality.GoldError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Segmentation #{segmentation.pk} is {'now' if gold else 'no longer'} gold.")
    return redirect("trace-detail", project.slug, segmentation.trace_id)


@project_view(roles=LEADS)
@require_POST
def member_pause(request: HttpRequest, project: Project, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    paused = _posted_flag(request, "paused")
    quality.set_paused(membership=membership, paused=paused)
    name = membership.user.get_username()
    messages.success(request, f"{name} is paused: no new traces." if paused else f"{name} may take traces again.")
    return redirect("member-list", project.slug)


@project_view(roles=LEADS)
@require_POST
def member_screening_reset(request: HttpRequest, project: Project, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    quality.reset_screening(membership=membership)
    messages.success(request, f"{membership.user.get_username()} takes the screening again.")
    return redirect("member-list", project.slug)


def _posted_flag(request: HttpRequest, name: str) -> bool:
    """A posted "true"/"false"; anything else (or nothing) reads as true, the button's action."""
    form = FlagForm({"value": request.POST.get(name, "true")})
    return form.cleaned_data["value"] if form.is_valid() else True

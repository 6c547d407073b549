"""The members page: leads add people to a project, change their role or remove them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from curation.models import Membership
from curation.services import members
from curation.views.access import project_for

LEADS = {Membership.Role.LEAD}


class AddMemberForm(forms.Form):
    identifier = forms.CharField(max_length=254, label="Username or e-mail")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.ANNOTATOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, roles=LEADS)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = members.add_member(project=project, **form.cleaned_data)
        except members.MembershipError as error:
            form.add_error("identifier", str(error))
        else:
            messages.success(
                request,
                f"{membership.user.get_username()} joined as {membership.get_role_display().lower()}.",
            )
            return redirect("member-list", project.slug)
    context = {
        "project": project,
        "form": form,
        "memberships": members.members_of(project),
        "roles": Membership.Role.choices,
    }
    return render(
        request, "curation/members/list.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    project = project_for(request, slug, roles=LEADS)
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("member-list", project.slug)
    _report(
        request,
        lambda: members.change_role(membership=membership, **form.cleaned_data),
        f"{membership.user.get_username()} is now {form.cleaned_data['role']}.",
    )
    return redirect("member-list", project.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    project = project_for(request, slug, roles=LEADS)
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    name = membership.user.get_username()
    _report(
        request,
        lambda: members.remove_member(membership=membership),
        f"{name} was removed from the project.",
    )
    if (
        membership.user_id == request.user.pk
        and not project.memberships.filter(user=request.user).exists()
    ):
        return redirect("project-list")
    return redirect("member-list", project.slug)


def _report(request: HttpRequest, change, success: str) -> None:
    try:
        change()
    except members.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)

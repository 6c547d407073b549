"""The members page: leads add people to a project, change their role or remove them.

People without an account are invited with a link (shown once to the lead); opening it lets them
create an account, or join with the one they are logged in with.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from curation.access import LEADS, project_view
from curation.models import Invitation, Membership, Project
from curation.services.people import invitations
from curation.services.people import members

GONE_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 410}


class AddMemberForm(forms.Form):
    identifier = forms.CharField(max_length=254, label="Username or e-mail")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.ANNOTATOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.ANNOTATOR)
    email = forms.EmailField(
        required=False,
        label="E-mail (optional)",
        help_text="Only an account with this address can accept. Empty: whoever has the link.",
    )

    def __init__(self, *args, **kwargs) -> None:
        # Its own element ids: the add-member form on the same page has a "role" field too.
        kwargs.setdefault("auto_id", "id_invite_%s")
        super().__init__(*args, **kwargs)


class InviteSignupForm(UserCreationForm):
    """A new account for an invited person; the invitation's e-mail address, if any, is fixed."""

    email = forms.EmailField(required=False, label="E-mail")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, invitation: Invitation, **kwargs) -> None:
        if invitation.email:
            # A disabled field ignores what is posted and keeps its initial value.
            kwargs["initial"] = {**kwargs.get("initial", {}), "email": invitation.email}
        super().__init__(*args, **kwargs)
        if invitation.email:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "The invitation is for this address."

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "")
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail address exists: "
                "log in with it, then open the link again."
            )
        return email


_NEW_INVITATION = "new_invitation"  # session key: the link of the invitation just created


@project_view(roles=LEADS)
def member_list(request: HttpRequest, project: Project) -> HttpResponse:
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
    created = request.session.pop(_NEW_INVITATION, None)
    if created is None:
        return _members_page(request, project, add_form=form)
    invitation = project.invitations.filter(pk=created["id"]).first()
    response = _members_page(
        request, project, add_form=form, new_invitation=invitation, new_link=created["link"]
    )
    # The link is in this one response and nowhere else: no cache may keep it either.
    add_never_cache_headers(response)
    return response


@project_view(roles=LEADS)
@require_POST
def invitation_create(request: HttpRequest, project: Project) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, raw = invitations.create_invitation(
                project=project, created_by=request.user, **form.cleaned_data
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
        else:
            # Shown once, by the page the lead is redirected to (so reloading it creates
            # nothing): the link waits in the lead's own session until then.
            request.session[_NEW_INVITATION] = {
                "id": invitation.pk,
                "link": request.build_absolute_uri(reverse("invitation-accept", args=[raw])),
            }
            return redirect(f"{reverse('member-list', args=[project.slug])}#new-invitation")
    return _members_page(request, project, invite_form=form)


@project_view(roles=LEADS)
@require_POST
def invitation_revoke(request: HttpRequest, project: Project, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, project=project)
    invitations.revoke_invitation(invitation=invitation)
    messages.success(request, "Invitation revoked: its link no longer works.")
    return redirect("member-list", project.slug)


def _members_page(
    request: HttpRequest,
    project: Project,
    *,
    add_form: AddMemberForm | None = None,
    invite_form: InviteForm | None = None,
    new_invitation: Invitation | None = None,
    new_link: str = "",
) -> HttpResponse:
    add_form = add_form or AddMemberForm()
    invite_form = invite_form or InviteForm()
    context = {
        "project": project,
        "form": add_form,
        "invite_form": invite_form,
        "memberships": members.members_of(project),
        "roles": Membership.Role.choices,
        "invitations": invitations.pending_invitations(project),
        "new_invitation": new_invitation,
        "new_link": new_link,
        "invite_ttl_days": settings.STEPWISE_INVITE_TTL_DAYS,
    }
    status = 400 if add_form.errors or invite_form.errors else 200
    return render(request, "curation/members/list.html", context, status=status)


@project_view(roles=LEADS)
@require_POST
def member_role(request: HttpRequest, project: Project, membership_id: int) -> HttpResponse:
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


@project_view(roles=LEADS)
@require_POST
def member_remove(request: HttpRequest, project: Project, membership_id: int) -> HttpResponse:
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


# --- Opening an invitation link (no login needed: the token is the credential) ---------------


@project_view(public=True)  # the invitation's token is the credential
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.user.is_authenticated:
            return _join_as_user(request, token)
        return _sign_up(request, token)
    except invitations.InvitationUnusable as unusable:
        return _invitation_gone(request, unusable.reason)


def _join_as_user(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            acceptance = invitations.accept_invitation(raw_token=token, user=request.user)
        except invitations.InvitationError:
            pass  # an address that is not theirs: the page below says so
        else:
            _welcome(request, acceptance.membership, joined=acceptance.joined)
            return redirect(acceptance.membership.project)
    invitation = invitations.find_invitation(token)
    problem = invitations.email_mismatch(invitation, request.user)
    membership = Membership.objects.filter(project=invitation.project, user=request.user).first()
    context = {
        "invitation": invitation,
        "project": invitation.project,
        "membership": membership,
        "problem": problem,
    }
    return render(
        request, "curation/members/invitation.html", context, status=403 if problem else 200
    )


def _sign_up(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    form = InviteSignupForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitations.sign_up_and_accept(
                raw_token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data.get("email", ""),
            )
        except invitations.InvitationError as error:
            form.add_error("username", str(error))
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            _welcome(request, membership, joined=True)
            return redirect(membership.project)
    context = {"invitation": invitation, "project": invitation.project, "form": form}
    return render(
        request, "curation/members/invitation.html", context, status=400 if form.errors else 200
    )


def _welcome(request: HttpRequest, membership: Membership, *, joined: bool) -> None:
    role = membership.get_role_display().lower()
    if joined:
        messages.success(request, f"Welcome: you joined {membership.project.name} as {role}.")
    else:
        messages.info(
            request,
            f"You are already a member of {membership.project.name} as {role}; "
            "your role is unchanged.",
        )


def _invitation_gone(request: HttpRequest, reason: str) -> HttpResponse:
    # Says only what is wrong with the link: no project name, so a stale or guessed link
    # tells nothing about the projects behind it.
    return render(
        request,
        "curation/members/invitation_gone.html",
        {"reason": reason},
        status=GONE_STATUS[reason],
    )

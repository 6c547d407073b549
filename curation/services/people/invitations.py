"""Invitation links: a lead invites someone who may not have an account yet.

The link carries a random token (256 bits); only its SHA-256 is stored, as for API tokens, so the
database alone opens no door. An invitation works until it expires (``STEPWISE_INVITE_TTL_DAYS``),
is revoked, or is accepted once. Accepting locks the invitation row, so one token makes at most one
membership even when two people click at the same moment.

An invitation that names an e-mail address can only be accepted by an account with that address;
without one, whoever holds the link may accept it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from curation.models import Invitation, Membership, Project
from curation.services.people.members import MembershipError, check_role
from curation.services.people.tokens import hash_token


class InvitationError(ValueError):
    """An invitation that cannot be made or accepted as asked; the message says why."""


class InvitationUnusable(Exception):
    """The token opens nothing: ``reason`` is "unknown", "expired", "revoked" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Acceptance:
    membership: Membership
    joined: bool  # False: the user was a member already and keeps their role


def create_invitation(
    *, project: Project, role: str, created_by, email: str = ""
) -> tuple[Invitation, str]:
    """A new invitation; returns the row and the raw token, which is never stored."""
    try:
        check_role(role)
    except MembershipError as error:
        raise InvitationError(str(error)) from error
    email = email.strip()
    if email and project.memberships.filter(user__email__iexact=email).exists():
        raise InvitationError(f"{email} already belongs to a member of this project.")
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        project=project,
        role=role,
        email=email,
        token_hash=hash_token(raw),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.STEPWISE_INVITE_TTL_DAYS),
    )
    return invitation, raw


def pending_invitations(project: Project):
    """Invitations of ``project`` that can still be accepted, soonest to expire first."""
    return (
        project.invitations.filter(
            revoked_at__isnull=True, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("created_by")
        .order_by("expires_at")
    )


def revoke_invitation(*, invitation: Invitation) -> Invitation:
    """Revoke at once; the row stays so the admin can see who was invited and when."""
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def find_invitation(raw_token: str) -> Invitation:
    """The usable invitation for ``raw_token`` (project loaded), else InvitationUnusable."""
    invitation = Invitation.objects.select_related("project").filter(
        token_hash=hash_token(raw_token)
    ).first()
    _check_usable(invitation)
    return invitation


def email_mismatch(invitation: Invitation, user) -> str:
    """Why ``user`` may not accept ``invitation`` because of its e-mail address, or ""."""
    if invitation.email and invitation.email.lower() != (user.email or "").lower():
        return (
            f"This invitation is for {invitation.email}, and you are logged in as "
            f"{user.get_username()}. Log out to create an account for that address, "
            f"or ask a lead of the project to add your account."
        )
    return ""


@transaction.atomic
def accept_invitation(*, raw_token: str, user) -> Acceptance:
    """``user`` joins the invitation's project with its role; a member keeps their role."""
    invitation = _lock(raw_token)
    membership = Membership.objects.filter(project=invitation.project, user=user).first()
    if membership is not None and invitation.accepted_by_id == user.pk:
        return Acceptance(membership, joined=False)  # a second click on the same button
    _check_usable(invitation)
    if reason := email_mismatch(invitation, user):
        raise InvitationError(reason)
    if membership is not None:
        # Not a new membership, so the link is not used up: the person it was meant for may
        # still need it.
        return Acceptance(membership, joined=False)
    return Acceptance(_join(invitation, user), joined=True)


@transaction.atomic
def sign_up_and_accept(
    *, raw_token: str, username: str, password: str, email: str = ""
) -> Membership:
    """Create an account and make it a member, both or neither.

    The form has already validated the username and the password; the invitation is checked
    again here, under its lock, because it may have been used since the form was shown.
    """
    invitation = _lock(raw_token)
    _check_usable(invitation)
    try:
        with transaction.atomic():  # a savepoint: a lost username race must not poison the rest
            user = get_user_model().objects.create_user(
                username=username, email=invitation.email or email, password=password
            )
    except IntegrityError as error:
        raise InvitationError(
            f"The username {username!r} was just taken: choose another."
        ) from error
    return _join(invitation, user)


def _lock(raw_token: str) -> Invitation:
    # Lock the invitation row only (not the project): concurrent accepts of one token queue here.
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=hash_token(raw_token)).first()
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    return invitation


def _check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")


def _join(invitation: Invitation, user) -> Membership:
    membership = Membership.objects.create(
        project=invitation.project, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership

"""Who belongs to a project, as which role: leads add, re-role and remove members.

People without an account yet join through invitation links (curation/services/invitations.py).

A project always keeps at least one lead, so nobody can lock everyone out of its settings.
Removing someone frees the traces they were holding in the annotation queue.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from curation.models import Assignment, Membership, Project

ROLES = {role for role, _ in Membership.Role.choices}


class MembershipError(ValueError):
    """A membership change that is not allowed; the message says why."""


def members_of(project: Project):
    return project.memberships.select_related("user").order_by("role", "user__username")


def add_member(*, project: Project, identifier: str, role: str) -> Membership:
    """Add the account with this username or e-mail address to the project."""
    check_role(role)
    user = _find_user(identifier.strip())
    if user is None:
        raise MembershipError(
            f"No account has the username or e-mail address {identifier.strip()!r}."
        )
    membership, created = Membership.objects.get_or_create(
        project=project, user=user, defaults={"role": role}
    )
    if not created:
        raise MembershipError(f"{user.get_username()} is already a member ({membership.role}).")
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str) -> Membership:
    check_role(role)
    if membership.role == Membership.Role.LEAD and role != Membership.Role.LEAD:
        _keep_a_lead(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """Remove a member; their active assignments expire so the queue hands those traces on."""
    if membership.role == Membership.Role.LEAD:
        _keep_a_lead(membership)
    Assignment.objects.filter(
        project=membership.project, annotator=membership.user, status=Assignment.Status.ACTIVE
    ).update(status=Assignment.Status.EXPIRED)
    membership.delete()


def check_role(role: str) -> None:
    """Raise MembershipError unless ``role`` is one of Membership.Role (invitations use it too)."""
    if role not in ROLES:
        raise MembershipError(f"{role!r} is not a role (one of {', '.join(sorted(ROLES))}).")


def _find_user(identifier: str):
    if not identifier:
        return None
    users = get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier)
    )
    return users.first() if users.count() == 1 else None


def _keep_a_lead(membership: Membership) -> None:
    # Lock the project's lead rows so two leads demoting each other at once cannot both succeed.
    leads = list(
        Membership.objects.select_for_update()
        .filter(project=membership.project, role=Membership.Role.LEAD)
        .values_list("pk", flat=True)
    )
    if leads == [membership.pk]:
        raise MembershipError("A project needs at least one lead: make someone else lead first.")

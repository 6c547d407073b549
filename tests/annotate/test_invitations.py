"""Invitation links: a lead invites someone by link; they join with a new or an existing account."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation.models import Invitation, Membership
from curation.services.people import invitations
from tests.annotate.conftest import run_at_once

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "quartz-lantern-81"
LINK = re.compile(r"https?://[^/\s]+/invite/([A-Za-z0-9_-]+)/")


def invite(project, lead, role: str = "annotator", email: str = "") -> tuple[Invitation, str]:
    return invitations.create_invitation(project=project, role=role, created_by=lead, email=email)


def expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def accept_url(raw: str) -> str:
    return reverse("invitation-accept", args=[raw])


def sign_up(client, raw: str, username: str = "nina", **extra):
    data = {"username": username, "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    return client.post(accept_url(raw), {**data, **extra})


@pytest.fixture
def account(django_user_model):
    """Someone with an account who belongs to no project yet."""
    return django_user_model.objects.create_user(
        username="karl", email="karl@example.org", password="pw-karl"
    )


# --- Creating, listing, revoking (leads only) ----------------------------------------------------


def test_a_lead_creates_an_invitation_and_sees_its_link_once(client, project, lead):
    client.force_login(lead)

    response = client.post(
        reverse("invitation-create", args=[project.slug]),
        {"role": "reviewer", "email": "nina@example.org"},
        follow=True,
    )

    # Redirected (a reload creates nothing), then shown on the members page, uncached.
    assert response.redirect_chain[0][1] == 302
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    raw = LINK.search(response.content.decode()).group(1)
    invitation = Invitation.objects.get()
    assert (invitation.project, invitation.role, invitation.email, invitation.created_by) == (
        project, "reviewer", "nina@example.org", lead
    )
    # Listed as pending, and the link is not shown again.
    page = client.get(reverse("member-list", args=[project.slug])).content.decode()
    assert f'id="invitation-{invitation.pk}"' in page and "nina@example.org" in page
    assert raw not in page


def test_only_the_hash_of_the_token_is_stored(project, lead):
    invitation, raw = invite(project, lead)

    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(raw in str(value) for value in stored.values())
    assert len(raw) >= 43  # 256 random bits


def test_an_invitation_expires_after_the_configured_days(settings, project, lead):
    settings.STEPWISE_INVITE_TTL_DAYS = 2

    invitation, _ = invite(project, lead)

    assert abs(invitation.expires_at - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)


def test_inviting_the_address_of_a_member_is_refused(project, lead, annotator):
    annotator.email = "anna@example.org"
    annotator.save()

    with pytest.raises(invitations.InvitationError, match="already belongs to a member"):
        invite(project, lead, email="ANNA@example.org")


def test_a_lead_revokes_an_invitation_and_its_link_stops_working(client, project, lead):
    invitation, raw = invite(project, lead)
    client.force_login(lead)

    response = client.post(reverse("invitation-revoke", args=[project.slug, invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert f'id="invitation-{invitation.pk}"' not in client.get(response.url).content.decode()
    client.logout()
    assert client.get(accept_url(raw)).status_code == 410


def test_only_pending_invitations_are_listed(project, lead):
    pending, _ = invite(project, lead)
    revoked, _ = invite(project, lead)
    invitations.revoke_invitation(invitation=revoked)
    expired, _ = invite(project, lead)
    expire(expired)
    used, raw = invite(project, lead)
    invitations.sign_up_and_accept(raw_token=raw, username="nina", password=STRONG_PASSWORD)

    assert list(invitations.pending_invitations(project)) == [pending]


def test_non_leads_get_404_for_creating_and_revoking(client, project, lead, annotator, outsider):
    invitation, _ = invite(project, lead)
    create = reverse("invitation-create", args=[project.slug])
    revoke = reverse("invitation-revoke", args=[project.slug, invitation.pk])
    statuses = []
    for user in (annotator, outsider):
        client.force_login(user)
        statuses += [
            client.post(create, {"role": "lead"}).status_code,
            client.post(revoke).status_code,
        ]

    assert statuses == [404, 404, 404, 404]
    assert Invitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_lead_cannot_revoke_another_projects_invitation(
    client, project, lead, other_project, outsider
):
    foreign, _ = invite(other_project, outsider)
    client.force_login(lead)

    response = client.post(reverse("invitation-revoke", args=[project.slug, foreign.pk]))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_superuser_may_invite_to_any_project(client, django_user_model, project):
    admin = django_user_model.objects.create_superuser(username="root", password="pw-root")
    client.force_login(admin)

    response = client.post(
        reverse("invitation-create", args=[project.slug]), {"role": "lead"}, follow=True
    )

    assert response.status_code == 200
    assert Invitation.objects.get().created_by == admin


# --- Accepting as a new user -----------------------------------------------------------------


def test_a_visitor_sees_the_project_and_role_and_a_sign_up_form(client, project, lead):
    _, raw = invite(project, lead, role="reviewer")

    response = client.get(accept_url(raw))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Join Alpha" in page and "reviewer" in page
    assert 'name="password1"' in page and 'name="password2"' in page
    assert "no-cache" in response["Cache-Control"]


def test_a_new_user_signs_up_is_logged_in_and_lands_on_the_project(
    client, django_user_model, project, lead
):
    invitation, raw = invite(project, lead, role="reviewer")

    response = sign_up(client, raw, email="nina@example.org")

    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    nina = django_user_model.objects.get(username="nina")
    assert nina.check_password(STRONG_PASSWORD) and nina.email == "nina@example.org"
    assert Membership.objects.get(project=project, user=nina).role == "reviewer"
    assert client.get(response.url).status_code == 200  # logged in, and a member
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (nina, True)


def test_the_invitations_email_is_fixed_on_sign_up(client, django_user_model, project, lead):
    _, raw = invite(project, lead, email="nina@example.org")
    assert 'value="nina@example.org"' in client.get(accept_url(raw)).content.decode()

    sign_up(client, raw, email="mallory@example.org")

    assert django_user_model.objects.get(username="nina").email == "nina@example.org"


def test_passwords_are_checked_by_djangos_validators(client, django_user_model, project, lead):
    invitation, raw = invite(project, lead)

    weak = sign_up(client, raw, password1="password", password2="password")
    mismatched = sign_up(client, raw, password2="something-else-42")

    assert (weak.status_code, mismatched.status_code) == (400, 400)
    assert "too common" in weak.content.decode()
    assert not django_user_model.objects.filter(username="nina").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_taken_username_or_email_is_refused_on_sign_up(client, project, lead, account):
    _, raw = invite(project, lead)

    taken_name = sign_up(client, raw, username="KARL")
    taken_email = sign_up(client, raw, email="Karl@Example.org")

    assert (taken_name.status_code, taken_email.status_code) == (400, 400)
    assert "log in with it" in taken_email.content.decode()
    assert not Membership.objects.filter(user=account).exists()


# --- Accepting with an existing account ----------------------------------------------------------


def test_a_logged_in_user_joins_with_one_post(client, project, lead, account):
    invitation, raw = invite(project, lead, role="reviewer")
    client.force_login(account)

    page = client.get(accept_url(raw)).content.decode()
    response = client.post(accept_url(raw))

    assert "Join Alpha as reviewer" in page
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert Membership.objects.get(project=project, user=account).role == "reviewer"
    invitation.refresh_from_db()
    assert invitation.accepted_by == account


def test_an_existing_member_keeps_their_role_and_is_told_so(client, project, lead, annotator):
    invitation, raw = invite(project, lead, role="lead")
    client.force_login(annotator)

    page = client.get(accept_url(raw)).content.decode()
    response = client.post(accept_url(raw), follow=True)

    assert "already a member as annotator" in page
    assert "your role is unchanged" in response.content.decode()
    assert Membership.objects.get(project=project, user=annotator).role == "annotator"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for the person it was meant for


def test_an_invitation_for_another_address_is_refused(client, project, lead, account):
    _, raw = invite(project, lead, email="nina@example.org")
    client.force_login(account)

    response = client.post(accept_url(raw))

    assert response.status_code == 403
    assert "This invitation is for nina@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=account).exists()


def test_accepting_needs_a_csrf_token(project, lead, account):
    _, raw = invite(project, lead)
    client = Client(enforce_csrf_checks=True)
    client.force_login(account)

    assert client.post(accept_url(raw)).status_code == 403
    assert sign_up(Client(enforce_csrf_checks=True), raw).status_code == 403
    assert not Membership.objects.filter(project=project).exclude(user=lead).exists()


# --- Links that no longer work ------------------------------------------------------------------


def test_a_link_works_once(client, django_user_model, project, lead, account):
    _, raw = invite(project, lead)
    sign_up(client, raw)
    client.logout()

    again = sign_up(client, raw, username="nina2")
    client.force_login(account)
    by_member = client.post(accept_url(raw))

    assert (again.status_code, by_member.status_code) == (410, 410)
    assert "used already" in again.content.decode()
    assert not django_user_model.objects.filter(username="nina2").exists()
    assert not Membership.objects.filter(user=account).exists()


def test_a_double_click_by_the_same_user_is_not_an_error(client, project, lead, account):
    _, raw = invite(project, lead)
    client.force_login(account)

    first = client.post(accept_url(raw))
    second = client.post(accept_url(raw))

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == project.get_absolute_url()
    assert Membership.objects.filter(user=account).count() == 1


def test_an_expired_link_answers_410(client, project, lead, account):
    invitation, raw = invite(project, lead)
    expire(invitation)

    response = client.get(accept_url(raw))
    client.force_login(account)
    posted = client.post(accept_url(raw))

    assert (response.status_code, posted.status_code) == (410, 410)
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=account).exists()


def test_an_unknown_link_answers_404_and_names_no_project(client, project, lead):
    invite(project, lead)

    response = client.get(accept_url("not-a-real-token"))

    assert response.status_code == 404
    assert "Alpha" not in response.content.decode()


def test_a_stale_link_names_no_project(client, project, lead):
    invitation, raw = invite(project, lead)
    invitations.revoke_invitation(invitation=invitation)

    response = client.get(accept_url(raw))

    assert response.status_code == 410
    assert "Alpha" not in response.content.decode() and "revoked" in response.content.decode()


# --- Escaping ------------------------------------------------------------------------------


def test_names_and_addresses_are_escaped(client, project, lead):
    project.name = "<b>Alpha & co</b>"
    project.save()
    client.force_login(lead)
    # A quoted local part is a valid address, angle brackets included.
    address = '"<script>x</script>"@example.org'

    created = client.post(
        reverse("invitation-create", args=[project.slug]),
        {"role": "annotator", "email": address},
        follow=True,
    )
    raw = LINK.search(created.content.decode()).group(1)
    listing = client.get(reverse("member-list", args=[project.slug])).content.decode()
    client.logout()
    invite_page = client.get(accept_url(raw)).content.decode()

    for page in (created.content.decode(), listing, invite_page):
        assert "<script>x" not in page and "<b>Alpha" not in page
    assert "&lt;script&gt;x" in listing
    assert "&lt;b&gt;Alpha &amp; co&lt;/b&gt;" in invite_page


# --- Concurrency --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_token_makes_one_membership_under_concurrent_accepts(
    monkeypatch, django_user_model, project, lead
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the row lock is exercised on PostgreSQL")
    _, raw = invite(project, lead)
    users = [django_user_model.objects.create_user(username=f"u{n}") for n in range(2)]
    join = invitations._join

    def slow_join(invitation, user):
        time.sleep(0.3)  # without the lock, both accepts would pass the check before either joins
        return join(invitation, user)

    monkeypatch.setattr(invitations, "_join", slow_join)
    results = run_at_once(lambda user: invitations.accept_invitation(raw_token=raw, user=user), users)

    outcomes = [
        result.reason if isinstance(result, invitations.InvitationUnusable) else type(result).__name__
        for result in results
    ]
    assert sorted(outcomes) == ["Acceptance", "used"]
    assert Membership.objects.filter(project=project, user__in=users).count() == 1

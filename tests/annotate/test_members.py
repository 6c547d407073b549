"""Leads add, re-role and remove members; a project always keeps a lead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import Assignment, Membership
from curation.services.people import members
from curation.services.annotation import queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    return django_user_model.objects.create_user(
        username="nina", email="nina@example.org", password="pw-nina"
    )


def test_a_lead_adds_an_account_by_username(project, newcomer):
    membership = members.add_member(project=project, identifier="nina", role="annotator")

    assert (membership.user, membership.role) == (newcomer, "annotator")


def test_a_lead_adds_an_account_by_email_in_any_case(project, newcomer):
    membership = members.add_member(
        project=project, identifier=" Nina@Example.org ", role="reviewer"
    )

    assert membership.user == newcomer


def test_adding_an_unknown_account_says_so(project):
    with pytest.raises(members.MembershipError, match="No account"):
        members.add_member(project=project, identifier="ghost", role="annotator")


def test_adding_someone_twice_is_refused(project, annotator):
    with pytest.raises(members.MembershipError, match="already a member"):
        members.add_member(project=project, identifier="anna", role="lead")


def test_the_last_lead_cannot_be_removed_or_demoted(project, lead):
    membership = Membership.objects.get(user=lead)

    with pytest.raises(members.MembershipError, match="at least one lead"):
        members.remove_member(membership=membership)
    with pytest.raises(members.MembershipError, match="at least one lead"):
        members.change_role(membership=membership, role="annotator")


def test_removing_a_member_frees_the_traces_they_held(project, annotator):
    from tests.factories import add_cut_trace

    add_cut_trace(project)
    held = queue.claim_next(project=project, annotator=annotator)

    members.remove_member(membership=Membership.objects.get(user=annotator))

    assert Assignment.objects.get(pk=held.pk).status == "expired"
    assert not Membership.objects.filter(user=annotator).exists()


def test_the_members_page_is_for_leads_only(client, project, lead, annotator, outsider):
    url = reverse("member-list", args=[project.slug])
    statuses = []
    for user in (lead, annotator, outsider):
        client.force_login(user)
        statuses.append(client.get(url).status_code)

    assert statuses == [200, 404, 404]


def test_a_lead_adds_a_member_through_the_page(client, project, lead, newcomer):
    client.force_login(lead)

    response = client.post(
        reverse("member-list", args=[project.slug]), {"identifier": "nina", "role": "annotator"}
    )

    assert response.status_code == 302
    assert Membership.objects.filter(project=project, user=newcomer, role="annotator").exists()


def test_an_annotator_cannot_remove_anyone(client, project, lead, annotator):
    client.force_login(annotator)
    target = Membership.objects.get(user=lead)

    response = client.post(reverse("member-remove", args=[project.slug, target.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_membership_of_another_project_is_404_to_this_projects_lead(
    client, project, lead, outsider
):
    client.force_login(lead)
    foreign = Membership.objects.get(user=outsider)

    assert client.post(reverse("member-remove", args=[project.slug, foreign.pk])).status_code == 404

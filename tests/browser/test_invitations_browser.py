"""A lead invites someone without an account; they open the link, sign up and are a member."""

from __future__ import annotations

import pytest

from curation.models import Membership
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_person_signs_up_from_the_link_and_joins(new_page, lead, project):
    page = new_page()
    log_in(page, "lena")
    page.goto("/p/alpha/members/")
    page.select_option("#invitations select[name=role]", "reviewer")
    page.click("#invitations button[type=submit]")
    link = page.inner_text("#new-invitation code").strip()
    assert page.locator("#invitations tbody tr").first.inner_text().startswith("Reviewer")

    visitor = new_page()
    visitor.goto(link)
    assert "as reviewer" in visitor.inner_text("#invitation")
    visitor.fill("input[name=username]", "rita")
    visitor.fill("input[name=password1]", "a long passphrase 42")
    visitor.fill("input[name=password2]", "a long passphrase 42")
    visitor.click("#invitation button[type=submit]")
    visitor.wait_for_url("**/p/alpha/")

    assert Membership.objects.get(project=project, user__username="rita").role == "reviewer"
    again = new_page()
    assert again.goto(link).status == 410
    page.reload()  # the members page again, not the form's POST: nothing is created twice
    assert "No pending invitations." in page.inner_text("#invitations")
    assert page.locator("#new-invitation").count() == 0

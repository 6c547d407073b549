"""Settings › API tokens: the token is shown once; the list shows only its prefix."""

from __future__ import annotations

import pytest

from curation.models import ApiToken
from curation.services.people import tokens


@pytest.fixture
def browser(client, lead):
    client.force_login(lead)
    return client


def test_a_created_token_is_shown_once_and_never_cached(browser):
    response = browser.post("/settings/tokens/", {"name": "cluster", "scope": "read"})

    token = ApiToken.objects.get(name="cluster")
    raw = response.context["new_token"]
    assert tokens.hash_token(raw) == token.token_hash
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_token_list_shows_prefixes_not_tokens(browser, lead):
    _, raw = tokens.create_token(user=lead, name="cluster")

    page = browser.get("/settings/tokens/").content.decode()

    assert raw[:10] in page and raw not in page


def test_a_token_can_be_restricted_to_one_of_ones_projects(browser, project):
    browser.post(
        "/settings/tokens/", {"name": "alpha only", "scope": "write", "project": project.pk}
    )

    token = ApiToken.objects.get(name="alpha only")
    assert (token.project, token.scope) == (project, "write")


def test_a_project_one_does_not_belong_to_is_not_offered(browser, other_project):
    response = browser.post(
        "/settings/tokens/", {"name": "x", "scope": "read", "project": other_project.pk}
    )

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(browser, lead):
    token, raw = tokens.create_token(user=lead, name="cluster")

    browser.post(f"/settings/tokens/{token.pk}/revoke/")

    assert tokens.authenticate(raw) is None


def test_nobody_revokes_someone_elses_token(browser, outsider):
    token, _ = tokens.create_token(user=outsider, name="theirs")

    response = browser.post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_a_login(client):
    assert client.get("/settings/tokens/").status_code == 302

"""Who may call what: tokens, scopes, project restriction, membership; one error body for all."""

from __future__ import annotations

from rest_framework.test import APIClient

from curation.models import ApiToken, Membership
from curation.services.people import tokens
from tests.api.conftest import client_with, token_for, versions_url


def test_an_anonymous_call_answers_401_with_a_bearer_challenge(db):
    response = APIClient().get("/api/v1/projects/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_unknown_token_answers_401(db):
    response = client_with("sw_not-a-real-token").get("/api/v1/projects/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_revoked_token_answers_401(lead):
    token, raw = tokens.create_token(user=lead, name="old")
    tokens.revoke_token(token=token)

    assert client_with(raw).get("/api/v1/projects/").status_code == 401


def test_a_token_lists_only_its_users_projects(lead, other_project):
    response = client_with(token_for(lead)).get("/api/v1/projects/")

    assert [p["slug"] for p in response.json()["results"]] == ["alpha"]


def test_a_token_for_project_a_asking_for_project_b_answers_404(lead, other_project, other_version):
    Membership.objects.create(project=other_project, user=lead, role="lead")  # lead belongs to both
    restricted = client_with(token_for(lead, project=lead.projects.get(slug="alpha")))

    response = restricted.get(versions_url("beta", "secret-steps"))

    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "No such dataset.",
        "fields": {},
    }


def test_a_restricted_token_still_sees_its_own_project(lead, version):
    restricted = client_with(token_for(lead, project=lead.projects.get(slug="alpha")))

    assert restricted.get(versions_url()).status_code == 200


def test_a_non_member_gets_404_for_a_project_that_exists(outsider, version):
    response = client_with(token_for(outsider)).get(versions_url())

    assert response.status_code == 404


def test_a_read_token_cannot_write(lead, dataset):
    response = client_with(token_for(lead)).post(
        "/api/v1/training-jobs/", {"name": "x"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_write_token_can_write(lead, dataset):
    body = {"name": "run", "dataset": "alpha/gsm-steps", "storage_target": "runs"}

    response = client_with(token_for(lead, ApiToken.Scope.WRITE)).post(
        "/api/v1/training-jobs/", body, format="json"
    )

    assert response.status_code == 201


def test_the_browser_session_authenticates_too(client, lead, version):
    client.force_login(lead)

    assert client.get(versions_url()).status_code == 200


def test_an_unknown_api_path_answers_the_json_error_body(lead_client):
    response = lead_client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_throttled_calls_answer_429_with_retry_after(settings, lead_client):
    settings.STEPWISE_API_RATES = {"user": "2/min", "anon": ""}

    statuses = [lead_client.get("/api/v1/projects/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_throttled_answer_says_when_to_retry(settings, lead_client):
    settings.STEPWISE_API_RATES = {"user": "1/min", "anon": ""}
    lead_client.get("/api/v1/projects/")

    response = lead_client.get("/api/v1/projects/")

    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"

"""The anonymous budget applies before authentication fails (issue 12): a client guessing tokens,
or calling without one, is answered 429 once over it, not 401 for ever."""
from __future__ import annotations

from rest_framework.test import APIClient


def test_bad_tokens_are_answered_429_after_the_anonymous_limit(settings, db):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "5/min"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer sw_not-a-real-token")

    statuses = [client.get("/api/v1/projects/").status_code for _ in range(8)]

    assert statuses == [401] * 5 + [429] * 3


def test_the_429_says_when_to_retry_in_the_error_body(settings, db):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "1/min"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer sw_guess")
    client.get("/api/v1/projects/")

    response = client.get("/api/v1/projects/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_calls_without_credentials_count_against_the_anonymous_limit_too(settings, db):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "3/min"}
    client = APIClient()

    statuses = [client.get("/api/v1/projects/").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_each_address_has_its_own_anonymous_budget(settings, db):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "1/min"}
    client = APIClient()
    client.get("/api/v1/projects/", REMOTE_ADDR="10.0.0.1")

    assert client.get("/api/v1/projects/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/projects/", REMOTE_ADDR="10.0.0.2").status_code == 401


def test_a_forged_forwarded_header_does_not_buy_a_fresh_budget(settings, db):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "1/min"}
    client = APIClient()
    client.get("/api/v1/projects/", HTTP_X_FORWARDED_FOR="1.1.1.1")

    assert client.get("/api/v1/projects/", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_a_valid_token_is_not_held_to_the_anonymous_budget(settings, lead_client):
    settings.STEPWISE_API_RATES = {"user": "", "anon": "1/min"}

    statuses = [lead_client.get("/api/v1/projects/").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]

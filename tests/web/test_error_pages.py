"""Issue 13: the app's own error pages in every mode (DEBUG on too), and a favicon."""
from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls_with_errors")]


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_a_failing_view_gets_the_apps_styled_page(debug, status):
    client = Client(raise_request_exception=False)

    response = client.get(f"/boom/{status}/")

    body = response.content.decode()
    assert response.status_code == status
    assert 'id="error-page"' in body and "css/stepwise.css" in body
    assert "Traceback" not in body and "Django" not in body


def test_an_unknown_address_gets_the_apps_404(debug, client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404 and 'id="error-page"' in response.content.decode()


def test_stepwise_debug_pages_brings_back_djangos_technical_404(settings, client):
    settings.DEBUG = True
    settings.STEPWISE_DEBUG_PAGES = True

    response = client.get("/no/such/page/")

    assert response.status_code == 404 and 'id="error-page"' not in response.content.decode()


def test_api_errors_stay_json(debug, client):
    response = client.get("/api/v1/projects/nope/datasets/")

    assert response["Content-Type"].startswith("application/json")


def test_favicon_ico_leads_to_the_static_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")

    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert b"<svg" in open(finders.find("favicon.svg"), "rb").read()


def test_pages_link_the_icon(client, lead):
    client.force_login(lead)

    assert 'rel="icon"' in client.get("/").content.decode()

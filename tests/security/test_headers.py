"""Security headers and connection settings (issue 12): a Content-Security-Policy on every
page, HSTS when the operator sets STEPWISE_HSTS_SECONDS, health-checked database connections."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from tests.factories import REPO_ROOT


def _policy(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/docs/"])
def test_pages_carry_a_policy_without_inline_script(client, path):
    policy = _policy(client.get(path))

    assert policy["script-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in str(policy)


def test_no_template_holds_an_inline_script_or_event_handler():
    import re

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    offenders = []
    for template in (REPO_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            offenders.append(str(template))
    assert offenders == []


@pytest.mark.django_db
def test_no_hsts_unless_the_operator_asks(client, settings):
    settings.SECURE_HSTS_SECONDS = 0

    assert "Strict-Transport-Security" not in client.get("/login/", secure=True)


@pytest.mark.django_db
def test_hsts_on_https_when_the_operator_sets_it(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _settings_in_a_fresh_process(env: dict[str, str], expression: str) -> str:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings'); "
        f"django.setup(); from django.conf import settings; print({expression})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STEPWISE_HSTS", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=REPO_ROOT,
        capture_output=True, text=True, check=True,
    ).stdout.strip()


def test_the_hsts_variables_set_the_hsts_settings():
    out = _settings_in_a_fresh_process(
        {"STEPWISE_HSTS_SECONDS": "600", "STEPWISE_HSTS_INCLUDE_SUBDOMAINS": "1",
         "STEPWISE_HSTS_PRELOAD": "1"},
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD",
    )
    assert out == "600 True True"


def test_persistent_database_connections_are_health_checked():
    out = _settings_in_a_fresh_process(
        {"DATABASE_URL": "postgres://u:p@db.invalid/x", "DATABASE_CONN_MAX_AGE": "60"},
        "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']",
    )
    assert out == "60 True"
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True

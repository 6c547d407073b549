"""The Content-Security-Policy in a real browser (issue 12): the main pages, the editor with
KaTeX, the admin and the API docs work under it with no violation, an inline script injected
into a page is blocked, and a label colour never carries CSS to another host."""
from __future__ import annotations

import io
import json

import pytest

from curation.models import Membership, Project
from curation.services.imports import create_import_job
from tests.browser.conftest import log_in
from tests.factories import add_cut_trace, generation_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script: every violation the page meets, with what was blocked.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def watched(new_page):
    """A page that records CSP violations (event and console) and script errors."""

    def open_page():
        page = new_page()
        page.add_init_script(LISTEN)
        page.problems = []
        page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and page.problems.append(msg.text),
        )
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        return page

    return open_page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp") + page.problems


def visit(page, path: str, ready: str = "main") -> list[str]:
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    return violations(page)


def test_the_main_pages_load_without_a_violation(watched, lead, annotator, project, media_root):
    trace = add_cut_trace(project, 1)
    job = create_import_job(
        project=project, upload=io.BytesIO(json.dumps(generation_record(3)).encode() + b"\n"),
        upload_name="a.jsonl", user=lead, status="staged",
    )
    page = watched()
    log_in(page, "lena")
    for path, ready in [
        ("/", "main"),
        ("/p/alpha/", "main"),
        ("/p/alpha/imports/", "form"),
        (f"/p/alpha/imports/{job.pk}/", "#detected-preset"),  # the preview comes by htmx
        (f"/p/alpha/traces/{trace.pk}/", "ol.steps"),
        ("/p/alpha/members/", "main"),
        ("/p/alpha/datasets/", "main"),
        ("/settings/tokens/", "main"),
        ("/training-jobs/", "main"),
    ]:
        assert visit(page, path, ready) == [], path


def test_the_editor_and_katex_work_without_a_violation(watched, project, annotator):
    add_cut_trace(project, 5, text="We get $x^2 + 1$ here.", spans=[(0, 22)])
    page = watched()
    log_in(page, "anna")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")

    page.keyboard.press("l")
    page.wait_for_selector("#field .katex")
    page.keyboard.press("?")
    page.wait_for_selector("#help", state="visible")

    assert violations(page) == []


def test_the_admin_works_without_a_violation(watched, django_user_model):
    django_user_model.objects.create_superuser("root", "r@example.org", "pw-root")
    page = watched()
    page.goto("/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-root")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto("/admin/curation/project/add/")
    page.wait_for_selector("form")
    page.wait_for_load_state("networkidle")

    assert violations(page) == []


def test_the_api_docs_render_under_the_policy(watched, db):
    page = watched()
    response = page.goto("/api/docs/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Stepwise API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    assert violations(page) == []


def test_an_injected_inline_script_is_blocked(watched, lead):
    page = watched()
    log_in(page, "lena")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.injected = 1';
            document.body.appendChild(s);
        }"""
    )

    assert page.evaluate("window.injected") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))


def test_a_hostile_label_colour_fetches_nothing(watched, project, annotator):

    schema = [dict(label) for label in project.label_schema]
    schema[2]["colour"] = "red;background:url(http://127.0.0.1:8199/x)"  # "compute"
    Project.objects.filter(pk=project.pk).update(label_schema=schema)
    trace = add_cut_trace(project, 9)
    Membership.objects.filter(user=annotator).update(role="lead")
    page = watched()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, "anna")

    page.goto(f"/p/alpha/traces/{trace.pk}/")
    page.wait_for_selector("ol.steps li")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")
    page.wait_for_load_state("networkidle")

    assert not [url for url in requests if "8199" in url]
    assert "url(" not in page.content()

"""A lead runs a project from the browser: creates it, edits its step types and guidelines,
imports a small file, searches and filters the traces, opens an annotator's segmentation; a bad
segmentation parameter is refused in the form with the segmenter's message."""
from __future__ import annotations

import re

import pytest

from curation.models import Project, Trace
from tests.browser.conftest import log_in
from tests.factories import add_member, add_segmentation, generation_record, write_jsonl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead_page(new_page, lead, media_root):
    page = new_page()
    log_in(page, "lena")
    return page


def create_project(page) -> None:
    page.goto("/")
    page.click("#new-project")
    page.fill("input[name=name]", "Olympiad proofs")
    page.fill("textarea[name=description]", "Step labels for proofs")
    page.click("#project-create button[type=submit]")
    page.wait_for_url(re.compile(r".*/p/olympiad-proofs/settings/$"))


def test_a_lead_creates_a_project_and_edits_its_schema_and_guidelines(lead_page):
    page = lead_page
    create_project(page)
    page.fill("#id_guidelines", "# Cutting rules\n\nOne step per **move**.")
    page.wait_for_selector("#guidelines-preview h1:has-text('Cutting rules')")
    assert page.inner_html("#guidelines-preview strong") == "move"
    page.click("#guidelines button[type=submit]")
    page.wait_for_selector(".flash:has-text('Settings saved')")
    page.fill("input[name=labels-1-key]", "planning")
    page.fill("input[name=labels-1-name]", "Planning")
    page.click("#label-table tr.label-row:nth-child(2) .move-up")  # Planning first
    page.click("#label-schema button[type=submit]")
    page.wait_for_selector(".flash:has-text('Settings saved')")
    project = Project.objects.get(slug="olympiad-proofs")
    assert project.guidelines.startswith("# Cutting rules")
    assert [label["key"] for label in project.label_schema][:2] == ["planning", "premise"]


def test_a_bad_segmentation_parameter_is_refused_in_the_form(lead_page, project):
    page = lead_page
    page.goto(f"/p/{project.slug}/settings/")
    page.select_option("#segmentation-settings select[name=strategy]", "paragraphs")
    page.fill("#segmentation-settings textarea[name=params]", '{"max_tokenz": 5}')
    page.click("#segmentation-settings button[type=submit]")
    page.wait_for_selector("#segmentation .errorlist")
    assert "Unknown parameter(s) for paragraphs: max_tokenz." in page.inner_text("#segmentation")
    project.refresh_from_db()
    assert project.segmentation["strategy"] == "auto"


def test_a_lead_imports_searches_filters_and_opens_an_annotators_work(
    lead_page, django_user_model, tmp_path
):
    page = lead_page
    create_project(page)
    records = [generation_record(n) for n in range(1, 6)]
    records[2]["problem"] = "Find the area of a triangle with base 7 and height 2."
    path = write_jsonl(tmp_path / "small.jsonl", records)
    page.goto("/p/olympiad-proofs/imports/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#start-import")
    # Celery runs eagerly here: the click returns once the import and its segmentation ran.
    with page.expect_navigation(timeout=120_000):
        page.click("#start-import", no_wait_after=True)
    project = Project.objects.get(slug="olympiad-proofs")
    assert project.traces.count() == 5

    page.goto("/p/olympiad-proofs/traces/")
    page.fill("input[name=search]", "triangle")
    page.click("#trace-filters button[type=submit]")
    page.wait_for_selector("#trace-table tbody tr:has-text('triangle')")
    assert page.locator("#trace-table tbody tr").count() == 1

    annotator = add_member(django_user_model, project, "anna", "annotator")
    trace = Trace.objects.get(project=project, problem__contains="triangle")
    add_segmentation(trace, origin="human", author=annotator, status="submitted",
                     spans=[(0, 5), (5, len(trace.response))])
    page.goto("/p/olympiad-proofs/traces/")
    page.select_option("select[name=annotator]", "anna")
    page.click("#trace-filters button[type=submit]")
    page.wait_for_selector(f"#trace-table tbody tr:has-text('{trace.pk}')")
    assert page.locator("#trace-table tbody tr").count() == 1
    page.click(f"#trace-table a:text-is('{trace.pk}')")
    page.wait_for_selector("h2:has-text('by anna')")
    page.click("form:has(input[name=segmentation]) >> nth=-1 >> button")
    page.wait_for_url(re.compile(r".*/annotate/\d+/$"))
    page.wait_for_selector(".step")
    assert page.locator("#field .step").count() == 2

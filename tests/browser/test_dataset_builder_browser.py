"""A lead in a real browser: the builder's live counts and preview, Build, the published page."""
from __future__ import annotations

import pytest

from curation.models import DatasetVersion
from tests.browser.conftest import log_in

# The dataset and its traces come from the root conftest, published into a private storage.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("datasets_root")]


@pytest.fixture
def builder(new_page, lead, dataset, auto_traces):  # noqa: F811 (fixtures)
    page = new_page()
    log_in(page, "lena")
    page.goto(f"/p/alpha/datasets/{dataset.name}/build/")
    page.check("input[name=source][value=auto]")
    page.wait_for_selector("#count-traces:text-is('5')")
    return page


def test_counts_follow_the_choices_as_they_change(builder):
    builder.check("input[name=source][value=approved]")

    builder.wait_for_selector("#count-traces:text-is('0')")


def test_the_preview_shows_the_first_srl_rows(builder):
    # The page's first preview is of its default source (submitted: no rows); wait for the one
    # made after the fixture chose "auto", the first with srl rows, not for any srl tab.
    srl = "#preview [data-format='srl']"
    builder.wait_for_selector(f"{srl} pre.row-preview")

    assert "expert_step" in builder.inner_text(srl)


def test_the_preview_has_a_tab_for_each_chosen_format(builder):
    # Not any srl tab: the page's first preview (its default source, no rows) has one too, and
    # when it answers before the fixture's change the prm tab clicked below is still empty.
    builder.wait_for_selector("#preview [data-format='srl'] pre.row-preview", state="attached")
    tabs = builder.locator("[data-format-tab]").evaluate_all("ts => ts.map(t => t.dataset.formatTab)")
    assert tabs == ["srl", "prm", "sft", "steps"]

    builder.click("[data-format-tab='prm']")

    assert builder.locator("[data-format='prm']").is_visible()
    assert not builder.locator("[data-format='srl']").is_visible()
    assert "completions" in builder.inner_text("[data-format='prm']")


def test_the_ratings_and_labels_selects_stay_inside_their_card(builder):
    builder.set_viewport_size({"width": 1024, "height": 700})
    card = builder.locator("#build-form").bounding_box()
    for name in ("ratings", "labels"):
        box = builder.locator(f"select[name={name}]").bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"], name


def test_build_publishes_and_the_page_lists_the_files(builder):
    builder.click("#build-button")

    builder.wait_for_selector("#version-files")
    assert DatasetVersion.objects.get().status == DatasetVersion.Status.PUBLISHED
    assert "manifest.json" in builder.inner_text("#version-files")

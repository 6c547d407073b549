"""Issue 13, the annotator's first day in a real browser: rating moves on, bulk labels, the
shortcut overlay at 1024x700, the skip dialog's keys, a stale tab told at once."""

from __future__ import annotations

import pytest

from curation.models import Assignment, Segmentation
from tests.factories import add_cut_trace
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def traces(project):
    return [add_cut_trace(project, n) for n in range(2)]


@pytest.fixture
def editor(new_page, annotator, traces, settings):
    settings.STEPWISE_EDITOR_POLL_MS = 300
    page = new_page()
    log_in(page, "anna")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")
    return page


def draft_of(annotator) -> Segmentation:
    return Assignment.objects.get(annotator=annotator, status="active").segmentation


def ratings(annotator) -> list:
    return list(draft_of(annotator).steps.order_by("position").values_list("rating", flat=True))


def wait_for_revision(page, revision: int) -> None:
    page.wait_for_selector(f"#ws-state[data-revision='{revision}']", state="attached")


def test_rating_moves_to_the_next_step(editor, annotator):
    editor.locator("#step-list li").first.click()
    editor.keyboard.press("+")
    wait_for_revision(editor, 2)
    editor.keyboard.press("-")
    wait_for_revision(editor, 3)

    assert ratings(annotator) == [1, -1, None]
    assert editor.locator("#step-list li.current .n").inner_text() == "3"


def test_shift_minus_rates_every_step_to_the_end_in_one_edit(editor, annotator):
    editor.locator("#step-list li").nth(1).click()
    editor.keyboard.press("Shift+Minus")

    wait_for_revision(editor, 2)
    assert ratings(annotator) == [None, -1, -1]
    editor.keyboard.press("u")
    wait_for_revision(editor, 3)
    assert ratings(annotator) == [None, None, None]


def test_shift_number_types_every_step_to_the_end(editor, annotator):
    editor.locator("#step-list li").first.click()
    editor.keyboard.press("Shift+Digit2")

    wait_for_revision(editor, 2)
    types = list(draft_of(annotator).steps.order_by("position").values_list("type", flat=True))
    assert types == ["plan", "plan", "plan"]


def test_the_overlay_lists_the_bulk_keys_and_fits_a_small_window(editor):
    editor.set_viewport_size({"width": 1024, "height": 700})
    editor.keyboard.press("?")

    title = editor.locator("#help-title").bounding_box()
    card = editor.locator("#help .overlay-card").bounding_box()
    assert title["y"] >= 0 and card["y"] >= 0 and card["y"] + card["height"] <= 700
    assert "to the end" in editor.locator("#help").inner_text()
    last = editor.locator("#help button:has-text('Close')")
    last.scroll_into_view_if_needed()
    assert last.is_visible()


@pytest.mark.parametrize("key", ["Enter", "Control+Enter"])
def test_the_skip_dialog_sends_on_enter(editor, annotator, traces, key):
    first_url = editor.url
    editor.keyboard.press("S")
    editor.fill("#skip-reason", "truncated")
    editor.keyboard.press(key)

    editor.wait_for_url(lambda url: url != first_url)
    assert Assignment.objects.get(annotator=annotator, trace=traces[0]).status == "skipped"


def test_shift_enter_in_the_skip_dialog_starts_a_new_line(editor, annotator):
    editor.keyboard.press("S")
    editor.fill("#skip-reason", "first")
    editor.keyboard.press("Shift+Enter")
    editor.keyboard.type("second")

    assert editor.input_value("#skip-reason") == "first\nsecond"
    assert editor.locator("#skip-dialog").is_visible()


def test_a_second_tab_learns_it_is_stale_without_editing(editor, new_page, annotator):
    other_tab = new_page()
    log_in(other_tab, "anna")
    other_tab.goto(editor.url)
    other_tab.wait_for_selector("#editor[data-ready='1']")

    editor.locator("#step-list li").first.click()
    editor.keyboard.press("m")
    wait_for_revision(editor, 2)

    other_tab.wait_for_selector("#stale-banner:not([hidden])")
    assert "changed in another tab" in other_tab.inner_text("#stale-banner")
    assert editor.locator("#stale-banner").is_hidden()  # the tab that edited is not stale

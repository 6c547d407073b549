"""The quality loop in a real browser: review with send-back and approval, and adjudication."""
from __future__ import annotations

import re

import pytest

from curation.models import Assignment, Segmentation
from tests.browser.conftest import log_in
from tests.factories import add_cut_trace, add_member, add_segmentation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_editor(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("#editor[data-ready='1']")


def test_send_back_fix_resubmit_and_approve(new_page, project, annotator, reviewer):
    add_cut_trace(project, 0)
    anna = new_page()
    log_in(anna, "anna")
    anna.goto("/p/alpha/annotate/")
    anna.click("#start")
    anna.wait_for_selector("#editor[data-ready='1']")
    anna.keyboard.press("Control+Enter")
    anna.wait_for_url(re.compile(r".*/annotate/$"))
    segmentation = Segmentation.objects.get(author=annotator)
    assert segmentation.status == "submitted"

    rita = new_page()
    log_in(rita, "rita")
    rita.goto("/p/alpha/review/")
    rita.click(f"tr[data-segmentation='{segmentation.pk}'] a")
    rita.wait_for_selector("#editor[data-ready='1']")
    rita.keyboard.press("j")  # the second step
    rita.keyboard.press("c")
    rita.fill("#step-comment-text", "This is two steps: cut after the check.")
    rita.click("#step-comment-form button[type=submit]")
    rita.wait_for_selector("#step-list li.commented")
    rita.keyboard.press("b")
    rita.fill("#send-back-comment", "Almost: see step 2.")
    rita.click("#send-back-form button[type=submit]")
    rita.wait_for_url(re.compile(r".*/review/$"))
    segmentation.refresh_from_db()
    assert segmentation.status == "sent_back"

    anna.goto("/p/alpha/annotate/")
    anna.click("#sent-back a")
    anna.wait_for_selector("#editor[data-ready='1']")
    assert "This is two steps" in anna.inner_text("#review-comments")
    assert anna.locator("#step-list li").nth(1).get_attribute("class").count("commented") == 1
    anna.click("#review-comments [data-step='1']")
    anna.keyboard.press("+")  # rate the commented step +1: the fix
    anna.wait_for_selector("#ws-state[data-revision='3']", state="attached")
    anna.keyboard.press("Control+Enter")
    anna.wait_for_url(re.compile(r".*/annotate/$"))
    segmentation.refresh_from_db()
    assert segmentation.status == "submitted"
    assert segmentation.steps.all()[1].rating == 1

    rita.goto("/p/alpha/review/")
    rita.click(f"tr[data-segmentation='{segmentation.pk}'] a")
    rita.wait_for_selector("#editor[data-ready='1']")
    assert "This is two steps" in rita.inner_text("#review-comments")
    rita.keyboard.press("a")
    rita.wait_for_url(re.compile(r".*/review/$"))
    segmentation.refresh_from_db()
    assert (segmentation.status, segmentation.reviewed_by) == ("approved", reviewer)
    assert [(t.from_status, t.to_status) for t in segmentation.transitions.all()] == [
        ("draft", "submitted"), ("submitted", "sent_back"), ("sent_back", "submitted"), ("submitted", "approved")]
    assert Assignment.objects.get(segmentation=segmentation).status == "submitted"


def test_a_step_comment_follows_its_step_when_the_annotator_splits_before_it(new_page, project, annotator, reviewer):
    from curation.services import review
    from curation.services.annotation import edits, queue

    add_cut_trace(project, 0)
    draft = queue.claim_next(project=project, annotator=annotator).segmentation
    submitted = edits.submit(segmentation=draft, user=annotator, revision=draft.revision)
    review.send_back(submitted, reviewer, comment="", step_comments={1: "Say which check."})
    anna = new_page()
    log_in(anna, "anna")
    anna.goto("/p/alpha/annotate/")
    anna.click("#sent-back a")
    anna.wait_for_selector("#editor[data-ready='1']")
    assert anna.locator("#step-list li").nth(1).get_attribute("class").count("commented") == 1
    revision = anna.get_attribute("#ws-state", "data-revision")
    anna.evaluate("window.stepwiseEditor.setCaret(12)")  # inside the first step
    anna.keyboard.press("s")  # split it: the commented step is now the third
    anna.wait_for_selector(f"#ws-state:not([data-revision='{revision}'])", state="attached")
    anna.wait_for_selector("#review-comments [data-step='2']")
    assert "Step 3" in anna.inner_text("#review-comments")
    classes = [anna.locator("#step-list li").nth(k).get_attribute("class") or "" for k in range(4)]
    assert ["commented" in c for c in classes] == [False, False, True, False]
    anna.reload()  # the server places it on the same step
    anna.wait_for_selector("#editor[data-ready='1']")
    assert anna.locator("#review-comments [data-step='2']").count() == 1


def test_two_annotators_disagree_and_an_adjudicator_resolves_with_keys(new_page, project, annotator, reviewer, django_user_model):
    bert = add_member(django_user_model, project, "bert", "annotator")
    trace = add_cut_trace(project, 0, spans=[])
    a = add_segmentation(trace, origin="human", author=annotator, spans=[(0, 30), (32, 60), (62, 80)])
    b = add_segmentation(trace, origin="human", author=bert, spans=[(0, 19), (20, 30), (32, 60), (62, 80)],
                         types=["compute", "compute", "compute", "verify"])
    page = new_page()
    log_in(page, "rita")
    page.goto("/p/alpha/adjudicate/")
    page.click("#adjudication-list a")
    page.wait_for_selector("#adjudicate[data-ready='1']")
    assert page.locator("#differences li").count() == 2
    page.keyboard.press("2")  # the boundary only bert placed: take bert's side (keep it)
    page.wait_for_selector("#differences li.current[data-diff='type-0']")
    page.keyboard.press("1")  # the last step's type: anna's "compute"
    assert page.inner_text("#chosen-count") == "2"
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/adjudicate/$"))
    result = Segmentation.objects.get(trace=trace, status="approved")
    assert set(result.parents.all()) == {a, b}
    assert (result.author, result.reviewed_by) == (reviewer, reviewer)
    assert list(result.steps.order_by("position").values_list("start", "end", "type")) == [
        (0, 19, "compute"), (20, 30, "compute"), (32, 60, "compute"), (62, 80, "compute")]

"""Routing by disagreement in a real browser, end to end through the editor: two annotators cut
the same trace differently, the agreement worker routes it to a third, the three still disagree,
and a reviewer resolves it in the adjudication view. A reviewer of one project cannot review in
another."""
from __future__ import annotations

import re

import pytest

from curation.models import Segmentation, TraceAgreement
from tests.browser.conftest import log_in
from tests.factories import add_cut_trace, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def annotate_and_submit(page, username: str, *keys: str) -> None:
    """Log in, take the next trace from the queue, press ``keys`` in the editor, submit."""
    log_in(page, username)
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")
    revision = 1
    for key in keys:
        page.keyboard.press(key)
        if key == "m":  # an edit: wait until the server has it
            revision += 1
            page.wait_for_selector(f"#ws-state[data-revision='{revision}']", state="attached")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/annotate/$"))


def cuts(segmentation: Segmentation) -> list[int]:
    return list(segmentation.steps.order_by("position").values_list("start", flat=True))[1:]


def test_disagreement_routes_a_third_annotator_then_adjudication(
    new_page, project, annotator, reviewer, django_user_model
):
    project.overlap, project.max_annotators, project.agreement_threshold = 2, 3, 0.99
    project.save()
    add_member(django_user_model, project, "bert", "annotator")
    add_member(django_user_model, project, "carl", "annotator")
    trace = add_cut_trace(project, 0)  # three paragraphs, three automatic steps

    annotate_and_submit(new_page(), "anna")  # keeps the three steps
    carl = new_page()
    log_in(carl, "carl")
    carl.goto("/p/alpha/annotate/")
    assert "1 trace still needs annotation" in carl.inner_text("main")  # bert's turn, not carl's

    annotate_and_submit(new_page(), "bert", "m")  # merges the first two steps
    agreement = TraceAgreement.objects.get(trace=trace)
    assert (agreement.annotators, agreement.route) == (2, "route_to_one_more")
    assert agreement.boundary_f1 == pytest.approx(2 / 3)

    annotate_and_submit(carl, "carl", "j", "m")  # merges the last two steps
    agreement.refresh_from_db()
    assert (agreement.annotators, agreement.route) == (3, "adjudicate")
    submitted = Segmentation.objects.filter(trace=trace, origin="human", status="submitted")
    assert sorted(cuts(s) for s in submitted) == [[32], [32, 62], [62]]

    rita = new_page()
    log_in(rita, "rita")
    rita.goto("/p/alpha/adjudicate/")
    rita.click("#adjudication-list a")
    rita.wait_for_selector("#adjudicate[data-ready='1']")
    assert rita.locator("#differences li").count() == 2  # each cut placed by only some
    rita.keyboard.press("1")  # anna's side of the first cut: keep it
    rita.wait_for_selector("#differences li.current:nth-child(2)")
    rita.keyboard.press("1")  # and of the second
    rita.keyboard.press("Control+Enter")
    rita.wait_for_url(re.compile(r".*/adjudicate/$"))
    result = Segmentation.objects.get(trace=trace, status="approved")
    assert cuts(result) == [32, 62]
    assert result.parents.count() == 3
    assert result.reviewed_by == reviewer


def test_a_reviewer_of_one_project_cannot_review_in_another(new_page, project, reviewer, other_project):
    add_cut_trace(other_project, 0)
    rita = new_page()
    log_in(rita, "rita")
    for path in ("/p/beta/review/", "/p/beta/adjudicate/", "/p/beta/quality/"):
        response = rita.goto(path)
        assert response.status == 404, path
    assert "Beta" not in rita.inner_text("body")
    assert rita.goto("/p/alpha/review/").status == 200

"""Issue 13: the trace page shows the whole problem (no inner scroll) and renders math on request."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import add_trace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_PROBLEM = "\n".join(f"Line {n}: let $x_{n} = {n}^2$." for n in range(60))


@pytest.fixture
def trace_page(new_page, lead, project):
    trace = add_trace(project, 1, problem=LONG_PROBLEM, text="So $x^2 + 1 > 0$.")
    page = new_page()
    log_in(page, "lena")
    page.goto(f"/p/alpha/traces/{trace.pk}/")
    return page


def test_the_problem_is_not_clipped_in_an_inner_scroll(trace_page):
    sizes = trace_page.eval_on_selector("#problem", "el => [el.scrollHeight, el.clientHeight]")

    assert sizes[0] <= sizes[1]
    assert "Line 59" in trace_page.inner_text("#problem")


def test_math_renders_on_request_and_back(trace_page):
    trace_page.check("#latex-toggle")
    trace_page.wait_for_selector("#problem .katex")

    trace_page.uncheck("#latex-toggle")

    assert trace_page.locator("#problem .katex").count() == 0
    assert "$x_0 = 0^2$" in trace_page.inner_text("#problem")

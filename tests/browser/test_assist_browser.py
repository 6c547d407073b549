"""The whole assist loop in a real browser: a lead starts a critic job on the fake endpoint
from the trace browser (estimate first), the job finishes (eager Celery, as the other browser
tests run their jobs), an annotator sees the model's proposals apart from human labels,
accepts one with Shift+Y and rejects one with Shift+N, submits, and a build of human labels
has only the accepted label, with its source."""
from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from curation.models import Assignment, AssistJob, Step, StepProposal
from tests.assist.conftest import endpoint, fake_server, loopback_allowed  # noqa: F401 - fixtures
from tests.assist.fake_openai import text
from tests.browser.conftest import log_in
from tests.factories import add_cut_trace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_critic_job_from_the_trace_browser_to_a_human_build(
    new_page, project, lead, annotator, endpoint, fake_server, datasets_root,  # noqa: F811
):
    trace = add_cut_trace(project, 0)  # three steps, cut by the segmenter
    add_cut_trace(project, 1)  # not ticked: the job must leave it alone
    fake_server.responder = lambda request: text("The second paragraph is wrong. \\boxed{1}")

    # The lead: tick the trace, ask a model, see the estimate, start, follow the job.
    lena = new_page()
    log_in(lena, "lena")
    lena.goto("/p/alpha/traces/")
    lena.check(f"#trace-table input[name=trace][value='{trace.pk}']")
    lena.click("#ask-a-model")
    lena.wait_for_selector("#trace-assist-form")
    assert "Ask a model about 1 trace" in lena.inner_text("h1")
    lena.select_option("select[name=task]", "critic")
    lena.fill("input[name=samples]", "1")
    lena.click("#assist-estimate-button")
    lena.wait_for_selector("#assist-estimate")
    assert lena.inner_text("#estimate-requests") == "1"
    assert not AssistJob.objects.exists()  # nothing written before "start"
    lena.click("#assist-start")
    lena.wait_for_url(re.compile(r".*/assist/jobs/\d+/$"))
    lena.wait_for_selector(".assist-job .status.done")
    assert lena.get_attribute(".assist-job progress", "value") == "100"
    job = AssistJob.objects.get()
    assert (job.trace_ids, job.status, job.proposals_created) == ([trace.pk], "done", 2)
    assert len(fake_server.requests) == 1

    # The annotator: the proposals are ghost badges beside (not in) the steps' own labels.
    anna = new_page()
    log_in(anna, "anna")
    anna.goto("/p/alpha/annotate/")
    anna.click("#start")
    anna.wait_for_selector("#editor[data-ready='1']")
    assert "/annotate/" in anna.url
    steps = anna.locator("#step-list > li")
    assert steps.nth(0).locator(".ghost").inner_text().startswith("model +1")
    assert steps.nth(1).locator(".ghost").inner_text().startswith("model -1")
    assert steps.nth(2).locator(".ghost").count() == 0
    draft = Assignment.objects.get(annotator=annotator).segmentation
    assert list(draft.steps.values_list("rating", flat=True)) == [None, None, None]
    assert not anna.locator("#proposal-box").is_hidden()  # the current step's proposal

    anna.keyboard.press("Shift+Y")  # accept the +1 on the first step
    anna.wait_for_selector("#ws-state[data-revision='2']", state="attached")
    anna.wait_for_selector("#ws-proposals li[data-index='0']", state="detached")  # decided
    anna.keyboard.press("j")
    anna.keyboard.press("Shift+N")  # reject the -1 on the second
    anna.wait_for_selector("#ws-proposals li[data-index='1']", state="detached")
    assert anna.locator("#step-list .ghost").count() == 0

    decided = dict(StepProposal.objects.values_list("step_index", "status"))
    assert decided == {0: "accepted", 1: "rejected"}
    step = Step.objects.filter(segmentation=draft)[0]
    assert (step.rating, step.label_source, step.verified_by) == (1, "model", annotator)

    editing = anna.url
    anna.keyboard.press("Control+Enter")
    anna.wait_for_url(lambda url: url != editing)  # the next trace of the queue
    draft.refresh_from_db()
    assert draft.status == "submitted"

    # A build of human labels: the accepted label with its source and verifier, nothing else.
    call_command("build_dataset", "--project", "alpha", "--dataset", "d", "--source", "submitted",
                 "--labels", "human", "--formats", "steps", "--container", "jsonl",
                 stdout=StringIO(), stderr=StringIO())
    root = max((datasets_root / "alpha/d").iterdir())
    assert json.loads((root / "manifest.json").read_text())["label_sources"] == "human"
    rows = [json.loads(line) for path in sorted((root / "steps/data").glob("*.jsonl"))
            for line in path.read_text().splitlines()]
    assert [row["trace_id"] for row in rows] == [trace.pk]
    labels = [(s["rating"], s["source"]) for s in rows[0]["steps"]]
    assert labels == [(1, "model"), (None, "person"), (None, "person")]

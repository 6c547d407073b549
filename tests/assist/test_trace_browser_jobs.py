"""A lead starts an assist job from the trace browser: on the ticked traces or on every trace
the filters match, choosing task, endpoint and options, seeing the estimate before anything is
written, then following the job on its page."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from curation.models import AssistJob
from curation.services import assist
from tests.factories import add_segmentation, add_trace

from .fake_openai import text

pytestmark = pytest.mark.django_db

URL = reverse("trace-assist", args=["alpha"])


@pytest.fixture
def traces(project):
    made = [add_trace(project, n) for n in range(4)]
    for trace in made:
        add_segmentation(trace)
    return made


def _options(endpoint, task: str = "rollouts", **more) -> dict:
    return {"endpoint": endpoint.pk, "task": task, "samples": 4, "max_tokens": 100, **more}


def test_the_trace_list_offers_leads_to_ask_a_model(client, lead, annotator, project, traces):
    client.force_login(lead)
    page = client.get(reverse("trace-list", args=["alpha"])).content.decode()
    assert 'id="ask-a-model"' in page and f'formaction="{URL}"' in page
    client.force_login(annotator)
    assert 'id="ask-a-model"' not in client.get(reverse("trace-list", args=["alpha"])).content.decode()


def test_ticked_traces_get_the_form_then_the_estimate_and_nothing_is_written(client, lead, project, traces, endpoint):
    client.force_login(lead)
    ticked = {"scope": "selected", "trace": [traces[0].pk, traces[2].pk], "query": ""}

    form = client.post(URL, ticked)
    assert form.status_code == 200
    body = form.content.decode()
    assert "Ask a model about 2 traces" in body and 'name="task"' in body and "assist-estimate-button" in body

    estimated = client.post(URL, {**ticked, **_options(endpoint), "step": "estimate"})
    assert estimated.status_code == 200
    body = estimated.content.decode()
    expected = assist.plan_assist_job(project=project, endpoint=endpoint, task="rollouts",
                                      trace_ids=[traces[0].pk, traces[2].pk],
                                      params={"samples": 4, "max_tokens": 100}).estimate
    requests = re.search(r'id="estimate-requests">(\d+)<', body).group(1)
    assert int(requests) == expected.requests > 2  # rollouts: several requests per trace
    assert f'id="estimate-cost">{expected.cost:.4f}<' in body
    assert 'value="start"' in body
    assert not AssistJob.objects.exists()  # an estimate writes nothing


def test_start_runs_the_job_on_the_chosen_traces_and_shows_its_progress(client, lead, project, traces, endpoint, fake_server):
    fake_server.responder = lambda request: text("\\boxed{1}")
    client.force_login(lead)
    ticked = {"scope": "selected", "trace": [traces[1].pk, traces[3].pk], "query": ""}

    started = client.post(URL, {**ticked, **_options(endpoint, "critic", samples=1), "step": "start"})

    job = AssistJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("assist-job-progress", args=["alpha", job.pk])
    assert (job.task, job.trace_ids, job.created_by) == ("critic", [traces[1].pk, traces[3].pk], lead)
    assert job.params["estimate"]["traces"] == 2
    page = client.get(started["Location"]).content.decode()
    assert "<progress" in page and "Assist job #" in page and "<html" in page.lower()
    job.refresh_from_db()
    assert job.status == "done" and f'value="{job.progress_percent}"' in page
    poll = client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in poll and "<html" not in poll.lower()  # the poll gets only the progress


def test_every_trace_the_filters_match(client, lead, project, traces, endpoint):
    from curation.models import Trace

    Trace.objects.filter(pk=traces[0].pk).update(excluded=True)
    client.force_login(lead)
    everything = {"scope": "all", "query": "excluded=true"}
    body = client.post(URL, everything).content.decode()
    assert "Ask a model about 1 trace" in body

    client.post(URL, {**everything, **_options(endpoint, "critic", samples=1), "step": "start"})
    assert AssistJob.objects.get().trace_ids == [traces[0].pk]


def test_refusals_write_nothing(client, lead, project, traces, endpoint):
    client.force_login(lead)
    nothing = client.post(URL, {"scope": "selected", "query": "search=x"})
    assert nothing.status_code == 302 and nothing["Location"].endswith("?search=x")

    foreign = client.post(URL, {"scope": "selected", "trace": [999999], **_options(endpoint), "step": "start"})
    assert foreign.status_code == 302  # not the project's: nothing chosen

    bad = client.post(URL, {"scope": "selected", "trace": [traces[0].pk], **_options(endpoint, samples=0),
                            "step": "start"})
    assert bad.status_code == 422
    bad_prompt = client.post(URL, {"scope": "selected", "trace": [traces[0].pk],
                                   **_options(endpoint, "critic", prompt_template="no placeholders"),
                                   "step": "estimate"})
    assert bad_prompt.status_code == 422
    assert not AssistJob.objects.exists()


def test_without_an_endpoint_the_lead_is_sent_to_the_assist_page(client, lead, project, traces):
    client.force_login(lead)
    response = client.post(URL, {"scope": "selected", "trace": [traces[0].pk]})
    assert response.status_code == 302 and response["Location"] == reverse("assist", args=["alpha"])


def test_annotators_and_reviewers_cannot_start_one(client, annotator, project, traces):
    client.force_login(annotator)
    assert client.post(URL, {"scope": "all", "query": ""}).status_code == 404


def test_change_after_the_estimate_shows_the_form_with_the_choices_kept(client, lead, project, traces, endpoint):
    client.force_login(lead)
    chosen = {"scope": "selected", "trace": [traces[0].pk], "query": "", **_options(endpoint, "critic", samples=3)}
    body = client.post(URL, {**chosen, "step": "change"}).content.decode()
    assert "assist-estimate-button" in body and 'value="start"' not in body
    assert 'name="samples" value="3"' in body and '<option value="critic" selected>' in body
    assert not AssistJob.objects.exists()

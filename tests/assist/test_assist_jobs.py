"""Assist jobs end to end against the fake server on loopback, through the real HTTP client."""
from __future__ import annotations

import pytest

from curation.models import AssistJob, AssistResult, Segmentation, StepProposal, TraceRewrite
from curation.services import assist
from tests.factories import add_segmentation, add_trace

from .fake_openai import Reply, text

pytestmark = pytest.mark.django_db


def _traces(project, n=3):
    traces = [add_trace(project, i) for i in range(n)]
    for trace in traces:
        add_segmentation(trace)
    return traces


def _start(project, endpoint, lead, task, traces, **params):
    return assist.start_assist_job(
        project=project, endpoint=endpoint, task=task, trace_ids=[t.pk for t in traces],
        params=params, user=lead,
    )


def test_a_critic_job_proposes_ratings_with_votes_and_records_usage(project, lead, endpoint, fake_server):
    fake_server.responder = lambda request: text("\\boxed{1}", "\\boxed{1}", "\\boxed{-1}")
    traces = _traces(project)
    job = _start(project, endpoint, lead, "critic", traces, samples=3)
    job.refresh_from_db()
    assert job.status == "done" and job.traces_done == 3 and job.proposals_created == 6
    assert job.requests == 3 and job.prompt_tokens == 30 and job.completion_tokens == 45
    assert job.estimated_cost == pytest.approx(30 / 1000 * 1 + 45 / 1000 * 2)
    proposals = StepProposal.objects.filter(segmentation__trace=traces[0]).order_by("step_index")
    assert [(p.step_index, p.value, p.source) for p in proposals] == [(0, "1", "model"), (1, "-1", "model")]
    assert proposals[0].votes == {"first_error": {"-1": 1, "1": 2}}
    assert proposals[0].confidence == pytest.approx(2 / 3) and proposals[0].status == "pending"
    assert proposals[0].prompt_version == assist.template_for("critic").version


def test_hostile_output_is_discarded_with_a_reason_and_counted(project, lead, endpoint, fake_server):
    fake_server.script = [text("\\boxed{99}"), text("no answer at all"), text("\\boxed{0}")]
    traces = _traces(project)
    job = _start(project, endpoint, lead, "critic", traces, samples=1, in_flight=1)
    job.refresh_from_db()
    assert job.status == "done" and job.traces_done == 3
    assert job.discarded["no-valid-sample"] == 2
    assert job.discarded["sample out-of-range"] == 1 and job.discarded["sample no-answer"] == 1
    assert AssistResult.objects.filter(job=job, outcome="discarded").count() == 2
    assert StepProposal.objects.count() == 1


def test_a_job_resumes_without_redoing_finished_traces(project, lead, endpoint, fake_server):
    traces = _traces(project, 4)
    failing = {"n": 0}

    def flaky(request):  # the first two traces: the endpoint fails for good
        failing["n"] += 1
        return Reply(status=500) if failing["n"] <= 4 else text("\\boxed{-1}")

    fake_server.responder = flaky
    job = _start(project, endpoint, lead, "critic", traces, samples=1, in_flight=1)
    job.refresh_from_db()
    assert job.status == "done" and AssistResult.objects.filter(job=job).count() == 2
    assert "resume" in job.message
    asked_before = len(fake_server.requests)
    job = assist.resume_assist_job(job)
    job.refresh_from_db()
    assert job.status == "done" and AssistResult.objects.filter(job=job).count() == 4
    assert len(fake_server.requests) - asked_before == 2  # only the two without a result


def test_a_cancelled_job_stops_and_keeps_what_it_finished(project, lead, endpoint, fake_server, settings):
    settings.STEPWISE_ASSIST_CHUNK = 2
    traces = _traces(project, 6)
    job = assist.create_assist_job(project=project, endpoint=endpoint, task="critic",
                                   trace_ids=[t.pk for t in traces], params={"samples": 1, "in_flight": 1})

    def cancel_after_first_chunk(row):
        assist.cancel_assist_job(row)

    job = assist.run_assist_job(job, on_progress=cancel_after_first_chunk)
    assert job.status == "cancelled" and job.traces_done == 2
    assert AssistResult.objects.filter(job=job).count() == 2


def test_a_queued_job_cancelled_never_runs(project, lead, endpoint, fake_server):
    job = assist.create_assist_job(project=project, endpoint=endpoint, task="critic",
                                   trace_ids=[t.pk for t in _traces(project, 1)])
    assist.cancel_assist_job(job)
    job = assist.run_assist_job(job)
    assert job.status == "cancelled" and fake_server.requests == []


REWRITTEN = "1. **Read** x + 1 = 3.\n2. **Isolate** x = 3 - 1 = 2.\n3. **Answer** \\boxed{2}"


def test_a_rewrite_is_kept_beside_the_original_with_its_own_steps(project, lead, endpoint, fake_server):
    fake_server.responder = lambda request: text(REWRITTEN)
    (trace,) = _traces(project, 1)
    original = trace.response
    job = _start(project, endpoint, lead, "rewrite", [trace])
    job.refresh_from_db()
    trace.refresh_from_db()
    assert job.status == "done" and trace.response == original
    rewrite = TraceRewrite.objects.get(trace=trace)
    assert rewrite.text == REWRITTEN and rewrite.job == job and rewrite.model == "fake-model"
    seg = Segmentation.objects.get(trace=trace, field="rewrite")
    assert seg.origin == "model" and seg.rewrite == rewrite
    texts = [seg.text()[s.start:s.end] for s in seg.steps.all()]
    assert len(texts) == 3 and texts[0].startswith("1. **Read**")


def test_a_rewrite_that_fails_the_format_check_is_discarded(project, lead, endpoint, fake_server):
    fake_server.responder = lambda request: text("Sure! Here it is:\n1. **Read** x = 2")
    job = _start(project, endpoint, lead, "rewrite", _traces(project, 1))
    job.refresh_from_db()
    assert job.discarded == {"format": 1} and not TraceRewrite.objects.exists()


def test_sections_become_a_model_segmentation_of_the_reasoning(project, lead, endpoint, fake_server):
    reasoning = "First I read it. Then I think.\n\nNow another idea. It works. So done."
    trace = add_trace(project, 1, reasoning=reasoning)
    fake_server.responder = lambda request: text('{"sections": [0, 2]}')
    job = _start(project, endpoint, lead, "sections", [trace])
    job.refresh_from_db()
    seg = Segmentation.objects.get(trace=trace, origin="model")
    spans = [(s.start, s.end) for s in seg.steps.all()]
    assert job.status == "done" and seg.field == "reasoning" and len(spans) == 2
    assert reasoning[spans[1][0]:].startswith("Now another idea")


def test_sections_out_of_range_never_touch_a_segmentation(project, lead, endpoint, fake_server):
    trace = add_trace(project, 1, reasoning="One. Two. Three.")
    fake_server.responder = lambda request: text('{"sections": [0, 40]}')
    job = _start(project, endpoint, lead, "sections", [trace])
    job.refresh_from_db()
    assert job.discarded == {"out-of-range": 1} and not Segmentation.objects.filter(trace=trace).exists()


def test_a_trace_without_steps_is_discarded_before_any_request(project, lead, endpoint, fake_server):
    job = _start(project, endpoint, lead, "critic", [add_trace(project, 1)])
    job.refresh_from_db()
    assert job.discarded == {"no-input": 1} and fake_server.requests == []


def test_the_api_key_from_the_named_environment_variable_is_sent(project, lead, endpoint, fake_server, monkeypatch):
    monkeypatch.setenv("FAKE_KEY", "sk-from-env")
    assist.save_endpoint(project=project, endpoint=endpoint, values={"api_key_env": "FAKE_KEY"})
    _start(project, endpoint, lead, "critic", _traces(project, 1), samples=1)
    assert fake_server.headers[0]["Authorization"] == "Bearer sk-from-env"

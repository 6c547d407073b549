"""manage.py assist: the same entry point as the pages, followed with the progress bar."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.models import AssistJob, ModelEndpoint, StepProposal
from tests.factories import add_segmentation, add_trace

from .fake_openai import text

pytestmark = pytest.mark.django_db


def _call(*args):
    out, err = StringIO(), StringIO()
    call_command("assist", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_runs_a_critic_job_on_the_named_traces(project, fake_server, loopback_allowed, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-1")
    fake_server.responder = lambda request: text("\\boxed{0}")
    traces = [add_trace(project, i) for i in range(3)]
    for trace in traces:
        add_segmentation(trace)
    out, err = _call("--project", "alpha", "--task", "critic", "--endpoint", fake_server.base_url,
                     "--model", "m1", "--api-key-env", "MY_KEY", "--samples", "2",
                     "--traces", f"{traces[0].pk},{traces[2].pk}")
    job = AssistJob.objects.get()
    assert job.status == "done" and job.traces_total == 2 and job.params["samples"] == 2
    assert "2/2 traces" in out and "At most 2 requests" in err
    assert ModelEndpoint.objects.get().api_key_env == "MY_KEY"
    assert fake_server.headers[0]["Authorization"] == "Bearer sk-1"
    assert StepProposal.objects.filter(value="-1").count() == 2


def test_a_private_endpoint_not_allowed_by_the_operator_is_refused(project, fake_server):
    with pytest.raises(CommandError, match="STEPWISE_OUTBOUND_ALLOW"):
        _call("--project", "alpha", "--task", "critic", "--endpoint", fake_server.base_url, "--model", "m1")
    assert fake_server.requests == [] and not AssistJob.objects.exists()


def test_enqueued_jobs_are_followed_until_done(project, fake_server, loopback_allowed):
    trace = add_trace(project, 1)
    add_segmentation(trace)
    out, _ = _call("--project", "alpha", "--task", "critic", "--endpoint", fake_server.base_url,
                   "--model", "m1", "--enqueue")
    assert "done" in out and AssistJob.objects.get().status == "done"

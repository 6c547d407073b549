"""Assist jobs survive their worker like imports and builds: a job whose heartbeat stopped is
requeued by the reaper and finishes without asking again about the traces it had finished; a
live job is left to its worker; a job whose workers keep dying is failed with the reason."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from curation.models import AssistJob, AssistResult, StepProposal
from curation.services import assist, workers
from tests.assist.conftest import endpoint, fake_server, loopback_allowed  # noqa: F401 - fixtures
from tests.assist.fake_openai import text
from tests.factories import add_segmentation, add_trace

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("short_heartbeat")]

LONG_AGO = timezone.now() - timedelta(hours=1)


def interrupted_critic_job(project, lead, endpoint, fake_server, *, finished: int, total: int) -> AssistJob:  # noqa: F811
    """A critic job over ``total`` traces whose dead worker had finished the first ``finished``
    (their results and proposals committed) when it was killed: still "running", heartbeat old."""
    fake_server.responder = lambda request: text("\\boxed{1}")
    traces = [add_trace(project, n) for n in range(total)]
    for trace in traces:
        add_segmentation(trace)
    ids = [t.pk for t in traces]
    job = assist.create_assist_job(project=project, endpoint=endpoint, task="critic",
                                   trace_ids=ids[:finished], params={"samples": 1}, user=lead)
    assist.run_assist_job(job)
    AssistJob.objects.filter(pk=job.pk).update(
        trace_ids=ids, traces_total=total, status=AssistJob.Status.RUNNING, finished_at=None,
        heartbeat_at=LONG_AGO, task_id="dead-worker", attempts=1,
    )
    job.refresh_from_db()
    return job


def test_a_requeued_assist_job_asks_only_about_what_its_dead_worker_had_not_finished(
    project, lead, endpoint, fake_server,  # noqa: F811
):
    job = interrupted_critic_job(project, lead, endpoint, fake_server, finished=2, total=5)
    kept = set(AssistResult.objects.filter(job=job).values_list("pk", flat=True))
    asked_before = len(fake_server.requests)

    report = workers.reap_stale_jobs()

    job.refresh_from_db()
    assert report.requeued == 1
    assert (job.status, job.traces_done, job.attempts) == ("done", 5, 2)
    assert len(fake_server.requests) - asked_before == 3  # one request per unfinished trace
    results = AssistResult.objects.filter(job=job)
    assert results.count() == 5 and kept <= set(results.values_list("pk", flat=True))
    # one proposal per step (two steps a trace), none twice
    assert StepProposal.objects.filter(job=job).count() == 10


def test_an_assist_job_whose_heartbeat_is_fresh_is_left_to_its_worker(project, lead, endpoint, fake_server):  # noqa: F811
    job = interrupted_critic_job(project, lead, endpoint, fake_server, finished=1, total=3)
    AssistJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    asked_before = len(fake_server.requests)

    assert workers.reap_stale_jobs().requeued == 0
    assert AssistJob.objects.get(pk=job.pk).status == "running"
    assert len(fake_server.requests) == asked_before


def test_a_second_copy_of_an_assist_message_steps_aside_while_the_holder_lives(project, lead, endpoint, fake_server):  # noqa: F811
    job = interrupted_critic_job(project, lead, endpoint, fake_server, finished=1, total=3)
    AssistJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    assert not workers.claim_assist_job(job, "another-task")
    assert workers.claim_assist_job(job, "dead-worker")  # its own message, redelivered: it died


def test_the_task_of_a_live_job_held_elsewhere_does_not_run_it(project, lead, endpoint, fake_server):  # noqa: F811
    from curation.tasks import run_assist_job

    job = interrupted_critic_job(project, lead, endpoint, fake_server, finished=1, total=3)
    AssistJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    asked_before = len(fake_server.requests)

    assert run_assist_job.apply(args=[job.pk], task_id="a-copy").get() == "held by another worker"
    assert len(fake_server.requests) == asked_before


def test_an_assist_job_whose_workers_keep_dying_is_failed_with_the_reason(project, lead, endpoint, fake_server):  # noqa: F811
    job = interrupted_critic_job(project, lead, endpoint, fake_server, finished=1, total=3)
    AssistJob.objects.filter(pk=job.pk).update(attempts=3)

    report = workers.reap_stale_jobs()

    job.refresh_from_db()
    assert (report.failed, job.status) == (1, "failed")
    assert "died 3 time(s)" in job.message
    assert AssistResult.objects.filter(job=job).count() == 1  # what it finished is kept

    assist.resume_assist_job(job)  # a lead resumes it: the lease starts afresh
    job.refresh_from_db()
    assert (job.status, job.traces_done, job.attempts) == ("done", 3, 1)


def test_a_slow_trace_keeps_its_job_s_heartbeat_beating(project, lead, endpoint, fake_server, monkeypatch):  # noqa: F811
    """One request that outlasts many heartbeat intervals must not make the job look dead."""
    from curation.services.assist import jobs
    from tests.assist.fake_openai import Reply

    monkeypatch.setattr(jobs, "CHECK_SECONDS", 0.05)
    fake_server.responder = lambda request: Reply(["\\boxed{1}"], delay=0.6)
    trace = add_trace(project, 0)
    add_segmentation(trace)
    job = assist.create_assist_job(project=project, endpoint=endpoint, task="critic",
                                   trace_ids=[trace.pk], params={"samples": 1}, user=lead)
    beats = []
    real_poll = jobs._poll

    def poll(state):
        real_poll(state)
        beats.append(AssistJob.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk))

    monkeypatch.setattr(jobs, "_poll", poll)
    assert assist.run_assist_job(job).status == "done"
    assert len(set(beats)) >= 3  # written again and again while the one request was out

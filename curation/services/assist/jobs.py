"""Assist jobs: started on a selection, run in chunks on the "assist" queue, cancelled, resumed.

``start_assist_job`` is the one way a page, the API or the command starts a job (the row, then
its task on commit); ``run_assist_job`` is what the task (or a command, in process) runs. The
run keeps one ``ChatClient`` (its limits, retries and usage) in a ``JobRunner`` for the whole
job, takes the traces without a result chunk by chunk, and after each chunk writes progress,
usage and a heartbeat and reads whether someone cancelled. A worker killed mid-job redelivers
the task (acks late), or the reaper requeues the job once its heartbeat is stale; the task takes
the job's lease (``services.workers.claim_assist_job``) and the run skips every trace that has
a result.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curation.assist import (
    DEFAULTS, ChatClient, CostEstimate, JobRunner, PromptTemplate, combine, critique, cut_sections,
    label_by_rollouts, rewrite,
)
from curation.models import AssistJob, AssistResult, ModelEndpoint, Project
from curation.services.assist import endpoints, results
from curation.services.assist.selection import ALL, Work, select_traces, works_for
from curation.services.enqueue import enqueue_on_commit

Task = AssistJob.Task
Status = AssistJob.Status
# The template each task's prompt edits (consensus: the critic's; the rollouts keep theirs).
TEMPLATE_OF = {Task.REWRITE: "rewrite", Task.CRITIC: "critic", Task.ROLLOUTS: "rollout",
               Task.CONSENSUS: "critic", Task.SECTIONS: "sections"}
DEFAULT_PARAMS = {"samples": 1, "max_tokens": 2048, "temperature": None, "in_flight": 32}
DEFAULT_SAMPLES = {Task.ROLLOUTS: 8, Task.CONSENSUS: 4, Task.CRITIC: 4}
MAX_SAMPLES = 64
CHECK_SECONDS = 1.0  # how often a running job reads its row (cancel) and writes its heartbeat


class InvalidJob(ValueError):
    """The job cannot start as asked; the message says why."""


@dataclass(frozen=True)
class JobPlan:
    """A checked request before it becomes a job: what the lead sees before starting it."""

    task: str
    trace_ids: list[int]
    params: dict  # with defaults filled in, and the estimate under "estimate"
    template: PromptTemplate

    @property
    def estimate(self) -> CostEstimate:
        return CostEstimate(**self.params["estimate"])


def plan_assist_job(
    *, project: Project, endpoint: ModelEndpoint, task: str, trace_ids: Sequence[int] | None = None,
    selection: str = ALL, params: dict | None = None, prompt_template: str = "",
) -> JobPlan:
    """Check a request and estimate its cost (requests, tokens, money) without writing anything."""
    if endpoint.project_id != project.pk:
        raise InvalidJob("that endpoint belongs to another project")
    if task not in Task.values:
        raise InvalidJob(f"task {task!r} is not one of {', '.join(Task.values)}")
    template = template_for(task, prompt_template)
    params = job_params(task, params or {})
    try:
        ids = select_traces(project, task, trace_ids=trace_ids, selection=selection)
    except ValueError as error:
        raise InvalidJob(str(error)) from None
    if not ids:
        raise InvalidJob("no trace chosen")
    from curation.services.assist.estimate import estimate_cost  # reads sizes from the database

    params["estimate"] = estimate_cost(task, ids, params, endpoint).__dict__
    return JobPlan(task, ids, params, template)


def create_assist_job(
    *, project: Project, endpoint: ModelEndpoint, task: str, trace_ids: Sequence[int] | None = None,
    selection: str = ALL, params: dict | None = None, prompt_template: str = "", user=None,
) -> AssistJob:
    """Check the request and write the job row (queued); ``start_assist_job`` also enqueues it."""
    plan = plan_assist_job(project=project, endpoint=endpoint, task=task, trace_ids=trace_ids,
                           selection=selection, params=params, prompt_template=prompt_template)
    return AssistJob.objects.create(
        project=project, endpoint=endpoint, task=task, params=plan.params, trace_ids=plan.trace_ids,
        prompt_template=prompt_template if prompt_template.strip() else "",
        prompt_version=plan.template.version, traces_total=len(plan.trace_ids), created_by=user,
    )


def start_assist_job(**request: Any) -> AssistJob:
    """Create the job and run it on the workers' "assist" queue once this transaction commits.

    Takes ``create_assist_job``'s arguments: project, endpoint, task, trace_ids or selection,
    params, prompt_template, user.
    """
    job = create_assist_job(**request)
    _enqueue(job)
    return job


def _enqueue(job: AssistJob) -> None:
    from curation import tasks  # only entry points import tasks

    enqueue_on_commit(tasks.run_assist_job, job.pk)


def cancel_assist_job(job: AssistJob) -> AssistJob:
    """Ask a running job to stop (it stops before its next request); a queued one stops now."""
    AssistJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    AssistJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def resume_assist_job(job: AssistJob) -> AssistJob:
    """Queue a cancelled or failed job again; it does only the traces without a result."""
    if job.status not in (Status.CANCELLED, Status.FAILED, Status.DONE):
        raise InvalidJob(f"job #{job.pk} is {job.status}")
    AssistJob.objects.filter(pk=job.pk).update(
        status=Status.QUEUED, cancel_requested=False, finished_at=None, message="", task_id="", attempts=0,
    )
    job.refresh_from_db()
    _enqueue(job)
    return job


def requeue_assist_job(job: AssistJob, *, stale_before) -> bool:
    """Hand a running job whose worker died back to the workers (the reaper's way); False when
    its heartbeat came back meanwhile. The next attempt asks only about the traces without a
    result: what the dead worker finished is kept."""
    from django.db.models import Q

    requeued = AssistJob.objects.filter(pk=job.pk, status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True)
    ).update(
        status=Status.QUEUED, task_id="", heartbeat_at=timezone.now(),
        traces_done=AssistResult.objects.filter(job=job).count(),
        message="Requeued: the worker running it stopped.",
    )
    if requeued:
        job.refresh_from_db()
        _enqueue(job)
    return bool(requeued)


def fail_lost_assist_job(job: AssistJob, message: str) -> int:
    """Fail a running job for good (its workers kept dying); 1, or 0 if it moved on. Its
    results stay; a lead may resume it."""
    return AssistJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED, message=message, finished_at=timezone.now()
    )


def template_for(task: str, text: str = "") -> PromptTemplate:
    default = DEFAULTS[TEMPLATE_OF[task]]
    if not text.strip():
        return default
    try:
        return default.edited(text)
    except ValueError as error:
        raise InvalidJob(str(error)) from None


def job_params(task: str, given: dict) -> dict:
    """The parameters with defaults filled in and bounds checked."""
    unknown = set(given) - set(DEFAULT_PARAMS)
    if unknown:
        raise InvalidJob(f"unknown parameters: {', '.join(sorted(unknown))}")
    params = {**DEFAULT_PARAMS, "samples": DEFAULT_SAMPLES.get(task, 1), **{k: v for k, v in given.items() if v is not None}}
    for name, low, high in (("samples", 1, MAX_SAMPLES), ("max_tokens", 1, 1_000_000), ("in_flight", 1, 512)):
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidJob(f"{name} must be a whole number from {low} to {high}")
    if params["temperature"] is not None and not isinstance(params["temperature"], (int, float)):
        raise InvalidJob("temperature must be a number")
    return params


# --- Running -----------------------------------------------------------------------------------


def run_assist_job(job: AssistJob, *, on_progress: Callable[[AssistJob], None] | None = None) -> AssistJob:
    """Run (or resume) a job to its end here; what the task runs. Errors fail the job."""
    if not _claim(job):
        job.refresh_from_db()
        return job
    try:
        _run(job, on_progress)
    except Exception as error:  # noqa: BLE001 - a job that breaks says so instead of hanging
        AssistJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, message=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _claim(job: AssistJob) -> bool:
    """Queued (or running: a redelivered task whose worker died) -> running."""
    now = timezone.now()
    claimed = AssistJob.objects.filter(
        pk=job.pk, status__in=[Status.QUEUED, Status.RUNNING], cancel_requested=False
    ).update(status=Status.RUNNING, heartbeat_at=now)
    AssistJob.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=now)
    if not claimed:
        AssistJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
            status=Status.CANCELLED, finished_at=now
        )
    job.refresh_from_db()
    return bool(claimed)


class _Run:
    """One run's state, read and written in the caller's thread (the ORM's)."""

    def __init__(self, job: AssistJob) -> None:
        self.job = job
        self.stop = threading.Event()
        self.base = {name: getattr(job, name) for name in _USAGE_FIELDS}
        self.done = AssistResult.objects.filter(job=job).count()
        self.discarded = Counter(job.discarded)
        self.proposals = job.proposals_created
        self.checked = time.monotonic()


_USAGE_FIELDS = ("requests", "failed_requests", "prompt_tokens", "completion_tokens",
                 "duration_seconds", "estimated_cost")


def _run(job: AssistJob, on_progress) -> None:
    state = _Run(job)
    template = template_for(job.task, job.prompt_template)
    config = endpoints.endpoint_config(job.endpoint)
    allow = endpoints.outbound_allowlist()
    with JobRunner() as runner:
        client = runner.call(partial(ChatClient, config, allow=allow, cancelled=state.stop.is_set))
        try:
            for chunk in _pending_chunks(job):
                _run_chunk(state, runner, client, template, chunk)
                _checkpoint(state, client, final=False)
                if on_progress:
                    on_progress(state.job)
                _read_cancel(state)
                if state.stop.is_set():
                    break
        finally:
            runner.call(client.aclose)
            _checkpoint(state, client, final=True)


def _pending_chunks(job: AssistJob):
    finished = set(AssistResult.objects.filter(job=job).values_list("trace_id", flat=True))
    pending = [pk for pk in job.trace_ids if pk not in finished]
    size = max(1, settings.STEPWISE_ASSIST_CHUNK)
    for i in range(0, len(pending), size):
        yield pending[i : i + size]


def _run_chunk(state: _Run, runner: JobRunner, client: ChatClient, template, chunk: list[int]) -> None:
    works = {}
    for work in works_for(state.job.task, chunk):
        if work.item is None:
            _count(state, results.save_nothing_to_ask(state.job, work))
        else:
            works[work.trace.pk] = work
    ask = _asker(state.job, client, template)
    in_flight = state.job.params.get("in_flight", 32)
    stream = runner.stream(list(works.values()), ask, in_flight=in_flight, cancelled=state.stop.is_set,
                           on_idle=partial(_poll, state), idle_seconds=CHECK_SECONDS)
    for result in stream:
        work = works[_trace_id(result)]
        _count(state, results.save_result(state.job, work, result))
        _poll(state)


def _trace_id(result: Any) -> int:
    item = getattr(result, "item", None)  # a Failed result carries the Work it failed on
    return item.trace.pk if isinstance(item, Work) else int(result.trace_id)


def _asker(job: AssistJob, client: ChatClient, template: PromptTemplate):
    params = job.params
    options = {"max_tokens": params["max_tokens"]}
    if params.get("temperature") is not None:
        options["temperature"] = params["temperature"]
    samples = params["samples"]

    async def ask(work: Work):
        item = work.item
        if job.task == Task.CRITIC:
            return await critique(client, item, samples=samples, template=template, **options)
        if job.task == Task.ROLLOUTS:
            return await label_by_rollouts(client, item, samples=samples, template=template, **options)
        if job.task == Task.REWRITE:
            return await rewrite(client, item, template=template, **options)
        if job.task == Task.SECTIONS:
            return await cut_sections(client, item, template=template, **options)
        critic_item, rollout_item = item
        critic = await critique(client, critic_item, samples=samples, template=template, **options)
        rollouts = await label_by_rollouts(client, rollout_item, samples=samples, **options)
        return combine(critic, rollouts, len(critic_item.steps))

    return ask


def _count(state: _Run, saved: results.Saved) -> None:
    if saved.finished:
        state.done += 1
    if saved.discarded:
        state.discarded[_reason_key(saved.discarded)] += 1
    state.discarded.update(saved.sample_discards)
    state.proposals += saved.proposals


def _reason_key(reason: str) -> str:
    # "out-of-range: 7 not in [-1, 3]" and the like: count by the fixed reason, not the detail.
    return reason.split(":", 1)[0] if not reason.startswith("endpoint-error") else reason[:60]


def _poll(state: _Run) -> None:
    """At most once a second: has someone cancelled? (and the heartbeat). Called for every
    result, and by the stream while no result arrives (one slow trace keeps the job alive)."""
    now = time.monotonic()
    if now - state.checked < CHECK_SECONDS:
        return
    state.checked = now
    AssistJob.objects.filter(pk=state.job.pk).update(heartbeat_at=timezone.now(), traces_done=state.done)
    _read_cancel(state)


def _read_cancel(state: _Run) -> None:
    if AssistJob.objects.filter(pk=state.job.pk, cancel_requested=True).exists():
        state.stop.set()


def _checkpoint(state: _Run, client: ChatClient, *, final: bool) -> None:
    usage = client.usage
    values = {
        "traces_done": state.done, "discarded": dict(state.discarded),
        "proposals_created": state.proposals, "heartbeat_at": timezone.now(),
        "requests": state.base["requests"] + usage.requests,
        "failed_requests": state.base["failed_requests"] + usage.failed_requests,
        "prompt_tokens": state.base["prompt_tokens"] + usage.prompt_tokens,
        "completion_tokens": state.base["completion_tokens"] + usage.completion_tokens,
        "duration_seconds": state.base["duration_seconds"] + usage.duration_seconds,
        "estimated_cost": state.base["estimated_cost"] + usage.estimated_cost,
    }
    row = AssistJob.objects.filter(pk=state.job.pk)
    _read_cancel(state)
    if final:
        values["status"] = Status.CANCELLED if state.stop.is_set() else Status.DONE
        values["finished_at"] = timezone.now()
        left = state.job.traces_total - state.done
        if left and not state.stop.is_set():
            values["message"] = f"{left} traces without a result (the endpoint failed): resume to ask again."
    with transaction.atomic():
        row.filter(status=Status.RUNNING).update(**values)
    state.job.refresh_from_db()

"""The job runner: bounded work in flight, results as they finish, failures counted."""
from __future__ import annotations

import anyio

from curation.assist import CriticInput, Failed, JobRunner, critique

from .fake_openai import FakeOpenAI, text
from .helpers import client_for


def test_results_stream_back_with_bounded_work_in_flight():
    active, peak, pulled = [0], [0], []

    async def work(i):
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await anyio.sleep(0.001 * (i % 3))
        active[0] -= 1
        return i * 2

    def source():
        for i in range(200):
            pulled.append(i)
            yield i

    with JobRunner() as runner:
        results = list(runner.stream(source(), work, in_flight=8))
    assert sorted(results) == [i * 2 for i in range(200)] and peak[0] <= 8


def test_a_task_that_raises_becomes_a_failed_result_and_the_job_goes_on():
    async def work(i):
        if i == 3:
            raise RuntimeError("bug")
        return i

    with JobRunner() as runner:
        results = list(runner.stream(range(6), work, in_flight=2))
    failed = [r for r in results if isinstance(r, Failed)]
    assert len(results) == 6 and failed[0].item == 3 and failed[0].discarded == "internal-error"


def test_cancelling_stops_taking_new_traces():
    done = []

    async def work(i):
        done.append(i)
        return i

    with JobRunner() as runner:
        results = list(runner.stream(range(100), work, in_flight=4, cancelled=lambda: len(done) >= 10))
    assert 10 <= len(results) < 100


def test_while_a_slow_trace_is_all_in_work_the_caller_is_called_back():
    import threading

    release, idle_calls = threading.Event(), []

    async def work(i):
        import anyio

        while not release.is_set():
            await anyio.sleep(0.01)
        return i

    def on_idle():
        idle_calls.append(threading.get_ident())
        if len(idle_calls) == 3:
            release.set()

    with JobRunner() as runner:
        results = list(runner.stream([1], work, on_idle=on_idle, idle_seconds=0.02))
    assert results == [1] and len(idle_calls) == 3
    assert set(idle_calls) == {threading.get_ident()}  # in the caller's thread: the ORM's


def test_a_critic_job_over_the_fake_endpoint_from_sync_code():
    traces = (CriticInput(i, "p", ["a", "b"]) for i in range(40))
    with FakeOpenAI(responder=lambda r: text("\\boxed{1}")) as fake, JobRunner() as runner:
        client = runner.call(lambda: client_for(fake, concurrency=4))
        results = list(runner.stream(traces, lambda t: critique(client, t), in_flight=8))
        runner.call(client.aclose)
    assert sorted(r.trace_id for r in results) == list(range(40))
    assert all(r.ratings == [1, -1] for r in results) and client.usage.requests == 40

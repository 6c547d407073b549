"""The chat-completions client against the fake server, through real HTTP."""
from __future__ import annotations

import threading
import time

import anyio
import pytest

from curation.assist import Cancelled, ChatError, EndpointConfig, Prices, try_endpoint
from curation.assist.ratelimit import TokenBucket

from .fake_openai import FakeOpenAI, Reply, text
from .helpers import LOOPBACK, Sleeps, run, run_async

HELLO = [{"role": "user", "content": "hi"}]


def test_answer_and_usage_are_read_and_the_key_is_sent():
    with FakeOpenAI(script=[text("hello", prompt_tokens=1000, completion_tokens=500)]) as fake:
        choices, client = run(fake, lambda c: c.complete(HELLO), api_key="sk-test",
                              prices=Prices(prompt_per_1k=0.5, completion_per_1k=2.0))
    assert [c.text for c in choices] == ["hello"]
    assert fake.headers[0]["Authorization"] == "Bearer sk-test"
    assert fake.requests[0]["model"] == "fake-model"
    usage = client.usage.snapshot()
    assert usage["requests"] == 1 and usage["prompt_tokens"] == 1000
    assert usage["completion_tokens"] == 500 and usage["estimated_cost"] == 1.5


def test_429_is_retried_after_the_servers_retry_after():
    sleeps = Sleeps()
    with FakeOpenAI(script=[Reply(status=429, headers={"Retry-After": "7"}), text("fine")]) as fake:
        choices, client = run(fake, lambda c: c.complete(HELLO), sleep=sleeps)
    assert choices[0].text == "fine" and sleeps.waits == [7.0]
    assert client.usage.retries == 1 and client.usage.failed_requests == 1


def test_5xx_and_timeouts_back_off_exponentially_with_jitter():
    sleeps = Sleeps()
    script = [Reply(status=503), Reply(status=500), Reply(delay=1.5), text("fine")]
    with FakeOpenAI(script=script) as fake:
        choices, _ = run(fake, lambda c: c.complete(HELLO), sleep=sleeps, timeout=0.5,
                         backoff_base=1.0, backoff_max=30)
    assert choices[0].text == "fine"
    assert [0.5 <= sleeps.waits[0] <= 1, 1 <= sleeps.waits[1] <= 2, 2 <= sleeps.waits[2] <= 4] == [True] * 3


def test_retries_end_with_a_chat_error_naming_the_category():
    sleeps = Sleeps()
    with FakeOpenAI(responder=lambda r: Reply(status=502)) as fake:
        with pytest.raises(ChatError) as failed:
            run(fake, lambda c: c.complete(HELLO), sleep=sleeps, max_retries=2)
    assert failed.value.status == 502 and len(fake.requests) == 3 and len(sleeps.waits) == 2


def test_client_errors_are_not_retried():
    with FakeOpenAI(responder=lambda r: Reply(status=401)) as fake:
        with pytest.raises(ChatError) as failed:
            run(fake, lambda c: c.complete(HELLO), sleep=Sleeps())
    assert failed.value.status == 401 and len(fake.requests) == 1


@pytest.mark.parametrize("raw", [b"not json", b'{"choices": "x"}', b'{"choices": [{"message": {"content": 5}}]}', b"[]"])
def test_malformed_bodies_are_a_bad_response(raw):
    with FakeOpenAI(script=[Reply(raw=raw)]) as fake:
        with pytest.raises(ChatError) as failed:
            run(fake, lambda c: c.complete(HELLO), sleep=Sleeps(), max_retries=0)
    assert failed.value.category == "bad-response"


def test_samples_use_n_or_repeated_requests():
    with FakeOpenAI(responder=lambda r: text("a")) as fake:
        with_n, _ = run(fake, lambda c: c.complete(HELLO, n=3))
        assert len(with_n) == 3 and len(fake.requests) == 1 and fake.requests[0]["n"] == 3
        repeated, client = run(fake, lambda c: c.complete(HELLO, n=3), use_n=False)
    assert len(repeated) == 3 and len(fake.requests) == 4 and client.usage.requests == 3
    assert "n" not in fake.requests[-1]


def test_concurrency_limit_holds_requests_in_flight():
    active, peak, lock = [0], [0], threading.Lock()

    def responder(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return text("x")

    async def many(client):
        async with anyio.create_task_group() as group:
            for _ in range(12):
                group.start_soon(client.complete, HELLO)

    with FakeOpenAI(responder=responder) as fake:
        run(fake, many, concurrency=3)
    assert peak[0] == 3 and len(fake.requests) == 12


def test_token_bucket_spaces_requests_at_the_rate():
    now, waits = [0.0], []

    async def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    async def take(bucket, count):
        for _ in range(count):
            await bucket.acquire()

    bucket = TokenBucket(2.0, burst=2, clock=lambda: now[0], sleep=sleep)
    run_async(take, bucket, 6)
    assert now[0] == pytest.approx(2.0)  # 2 at once, then one every 0.5 s


def test_cancellation_is_checked_before_each_request():
    with FakeOpenAI() as fake:
        with pytest.raises(Cancelled):
            run(fake, lambda c: c.complete(HELLO), cancelled=lambda: True)
    assert fake.requests == []


def test_private_endpoint_is_refused_without_the_allowlist():
    with FakeOpenAI() as fake:
        check = run_async(lambda: try_endpoint(EndpointConfig(fake.base_url, "m")))
    assert not check.ok and "not allowed" in check.message and fake.requests == []


def test_try_endpoint_reports_success_and_a_refused_key():
    with FakeOpenAI(script=[text("OK"), Reply(status=401)]) as fake:
        config = EndpointConfig(fake.base_url, "fake-model")
        good = run_async(lambda: try_endpoint(config, allow=LOOPBACK))
        bad = run_async(lambda: try_endpoint(config, allow=LOOPBACK))
    assert good.ok and "OK" in good.message
    assert not bad.ok and bad.message == "the endpoint refused the API key"

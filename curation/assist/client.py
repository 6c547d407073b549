"""An OpenAI-compatible chat-completions client over the guarded async HTTP client.

Works with vLLM, Ollama, llama.cpp's server and hosted APIs alike (``POST {base}/chat/completions``).
Per endpoint: a concurrency limit (requests in flight), optional requests-per-second and
per-minute limits (token buckets), retries with exponential backoff and jitter on 429, 5xx,
timeouts and connection errors (a Retry-After header wins over the backoff), usage accounting
and cancellation (``cancelled()`` is asked before every request and every retry).

The response is untrusted like everything from the model: a malformed one is a ``ChatError``
with category ``bad-response``, never a crash further in.
"""
from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from curation.outbound import (
    NOTHING_ALLOWED, Allowlist, AsyncOutboundClient, OutboundError, as_outbound_error,
)
from curation.outbound import errors as outbound_errors

from .ratelimit import TokenBucket, buckets_for
from .usage import Prices, Usage

BAD_RESPONSE = outbound_errors.BAD_RESPONSE
# A server's Retry-After is honoured up to this many seconds (a hostile one could say a year).
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class EndpointConfig:
    """One endpoint as the lead configured it (the API key is passed in, never stored here)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    concurrency: int = 8
    requests_per_second: float | None = None
    requests_per_minute: float | None = None
    prices: Prices = field(default_factory=Prices)
    max_response_bytes: int = 4 * 1024 * 1024
    use_n: bool = True  # False: k samples as k requests (for servers that ignore ``n``)

    @property
    def completions_url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"


@dataclass(frozen=True)
class Choice:
    """One sampled answer: its text and why it stopped ("stop", "length", ...)."""

    text: str
    finish_reason: str | None = None

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


class ChatError(Exception):
    """A request that failed for good (after retries); ``category`` as in ``outbound.errors``."""

    def __init__(self, category: str, status: int | None = None) -> None:
        self.category, self.status = category, status
        super().__init__(f"{category}" + (f" ({status})" if status else ""))


class Cancelled(Exception):
    """The job was cancelled; raised before the next request would have been sent."""


class ChatClient:
    """Chat completions for one endpoint. Create and use it inside one event loop."""

    def __init__(
        self, config: EndpointConfig, *, allow: Allowlist = NOTHING_ALLOWED, resolver=None,
        cancelled: Callable[[], bool] | None = None, rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.config = config
        self.usage = Usage(prices=config.prices)
        self.cancelled = cancelled or (lambda: False)
        self._http = AsyncOutboundClient(
            allow, resolver=resolver, timeout=config.timeout, max_connections=config.concurrency
        )
        self._rng, self._sleep = rng or random.Random(), sleep
        self._slots: anyio.Semaphore | None = None
        self._buckets: list[TokenBucket] = buckets_for(
            config.requests_per_second, config.requests_per_minute
        )

    async def complete(
        self, messages: list[dict], *, n: int = 1, temperature: float | None = None,
        max_tokens: int | None = None, stop: list[str] | None = None,
    ) -> list[Choice]:
        """``n`` sampled answers to ``messages`` (one request with ``n``, or ``n`` requests)."""
        body = {"model": self.config.model, "messages": messages}
        body.update({k: v for k, v in (("temperature", temperature), ("max_tokens", max_tokens),
                                       ("stop", stop)) if v is not None})
        if n == 1 or self.config.use_n:
            return await self._request({**body, "n": n} if n > 1 else body)
        results: list[list[Choice]] = [[] for _ in range(n)]

        async def one(i: int) -> None:
            results[i] = await self._request(body)

        async with anyio.create_task_group() as group:
            for i in range(n):
                group.start_soon(one, i)
        return [choice for chunk in results for choice in chunk]

    async def _request(self, body: dict) -> list[Choice]:
        for attempt in range(self.config.max_retries + 1):
            self._check_cancelled()
            try:
                return await self._send_once(body)
            except OutboundError as error:
                if attempt == self.config.max_retries or not _retryable(error):
                    raise ChatError(error.category, error.status) from None
                self.usage.retries += 1
                await self._sleep(self._delay(attempt, error.retry_after))
        raise AssertionError("unreachable")

    async def _send_once(self, body: dict) -> list[Choice]:
        for bucket in self._buckets:
            await bucket.acquire()
        self._slots = self._slots or anyio.Semaphore(self.config.concurrency)
        async with self._slots:
            started = self.usage.started()
            try:
                reply = await self._http.request_json(
                    "POST", self.config.completions_url, json=body, headers=self._headers(),
                    max_bytes=self.config.max_response_bytes,
                )
            except Exception as error:  # noqa: BLE001 - counted, then re-raised as a category
                self.usage.finished(started, ok=False)
                raise as_outbound_error(error) from None
            choices, prompt, completion = parse_completion(reply.data)
            self.usage.finished(started, ok=choices is not None, prompt=prompt, completion=completion)
        if choices is None:
            raise ChatError(BAD_RESPONSE)
        return choices

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        ceiling = min(self.config.backoff_max, self.config.backoff_base * 2 ** attempt)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"

    def _headers(self) -> dict[str, str]:
        key = self.config.api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


def parse_completion(data: Any) -> tuple[list[Choice] | None, int, int]:
    """Choices and token counts from a chat-completions body; (None, 0, 0) when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list) or not data["choices"]:
        return None, 0, 0
    choices = []
    for raw in data["choices"]:
        message = raw.get("message") if isinstance(raw, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if content is not None and not isinstance(content, str):
            return None, 0, 0
        reason = raw.get("finish_reason")
        choices.append(Choice(content or "", reason if isinstance(reason, str) else None))
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return choices, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _retryable(error: OutboundError) -> bool:
    if error.category in (outbound_errors.TIMEOUT, outbound_errors.CONNECTION):
        return True
    return error.category == outbound_errors.HTTP_STATUS and (
        error.status == 429 or (error.status or 0) >= 500
    )


@dataclass(frozen=True)
class EndpointCheck:
    """The "try it" answer: did a one-line request work, how long it took, and why not."""

    ok: bool
    latency_ms: float
    message: str


async def try_endpoint(
    config: EndpointConfig, *, allow: Allowlist = NOTHING_ALLOWED, resolver=None
) -> EndpointCheck:
    """Send one short chat request (no retries) and say whether the endpoint answers."""
    quick = EndpointConfig(**{**config.__dict__, "max_retries": 0, "timeout": min(config.timeout, 30.0)})
    async with ChatClient(quick, allow=allow, resolver=resolver) as client:
        try:
            choices = await client.complete(
                [{"role": "user", "content": "Reply with the word OK."}], max_tokens=8
            )
        except ChatError as error:
            return EndpointCheck(False, client.usage.busy_seconds * 1000, _check_message(error))
        latency = round(client.usage.busy_seconds * 1000, 1)
        return EndpointCheck(True, latency, f"{config.model} answered: {choices[0].text[:40]!r}")


def _check_message(error: ChatError) -> str:
    if error.status in (401, 403):
        return "the endpoint refused the API key"
    if error.status == 404:
        return "no chat-completions route or no such model at this URL"
    if error.category == outbound_errors.REFUSED:
        return "the URL is not allowed (a private address; the operator can allow it)"
    return f"could not reach the endpoint: {error}"

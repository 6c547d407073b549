"""The guarded HTTP clients: the only way Stepwise talks to a URL someone else chose.

* ``OutboundClient`` (sync, for Celery webhook deliveries): ``send``/``post_json`` return a
  ``Delivery`` with the status and timing only; the response body is never read, stored or shown.
* ``AsyncOutboundClient`` (many requests in flight, for model endpoints): ``request_json`` returns
  the decoded JSON body (read up to a size cap) or raises ``OutboundError`` with a category.

Both refuse what ``policy`` refuses, at every connection, follow no redirects, ignore proxy
environment variables, and report failures as categories (``errors``), never as the peer's body
or the operating system's error text.
"""
from __future__ import annotations

import email.utils
import ssl
import time
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import orjson

from . import errors
from .errors import OutboundError
from .policy import NOTHING_ALLOWED, Allowlist, Resolver, split_url
from .transport import GuardedAsyncTransport, GuardedTransport

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
# httpcore's pool does work quadratic in its connection count on every request it assigns
# (a keep-alive count inside a loop over connections): 32 connections in one pool cost ~1,000
# checks per request. Several small pools, each request to the least busy, keep it linear.
CONNECTIONS_PER_POOL = 4


@dataclass(frozen=True)
class Delivery:
    """What a delivery may tell its caller: did it work, the status, how long, and why not."""

    ok: bool
    status: int | None
    elapsed_ms: float
    category: str | None = None
    message: str = ""


@dataclass(frozen=True)
class JsonReply:
    """A successful JSON response of a model endpoint."""

    status: int
    data: Any
    elapsed_ms: float


class OutboundClient:
    """Sync guarded client for webhooks. Use as a context manager or call ``close()``."""

    def __init__(
        self, allow: Allowlist = NOTHING_ALLOWED, *, resolver: Resolver | None = None,
        timeout: float = 10.0, verify: ssl.SSLContext | bool = True, user_agent: str = "Stepwise",
    ) -> None:
        transport = GuardedTransport(allow, resolver=resolver, verify=verify)
        self._client = httpx.Client(
            transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
            headers={"User-Agent": user_agent},
        )

    def send(
        self, method: str, url: str, *, content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Delivery:
        """Send one request; never raises for network or policy failures (see ``Delivery``)."""
        started = time.perf_counter()
        try:
            split_url(url)
            with self._client.stream(method, url, content=content, headers=headers) as response:
                status = response.status_code  # the body stays unread
        except Exception as error:  # noqa: BLE001 - every failure becomes a category
            failure = as_outbound_error(error)
            return Delivery(False, failure.status, _ms(started), failure.category, str(failure))
        return _delivery(status, _ms(started))

    def post_json(self, url: str, payload: Any, *, headers: dict[str, str] | None = None) -> Delivery:
        """POST ``payload`` as JSON (see ``send``)."""
        merged = {"Content-Type": "application/json", **(headers or {})}
        return self.send("POST", url, content=orjson.dumps(payload), headers=merged)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OutboundClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class AsyncOutboundClient:
    """Async guarded client for model endpoints: JSON in, JSON out, body size capped."""

    def __init__(
        self, allow: Allowlist = NOTHING_ALLOWED, *, resolver: Resolver | None = None,
        timeout: float = 60.0, max_connections: int = 32, verify: ssl.SSLContext | bool = True,
        user_agent: str = "Stepwise",
    ) -> None:
        self.timeout = timeout
        sizes = _pool_sizes(max_connections)
        self._clients = [
            httpx.AsyncClient(
                transport=GuardedAsyncTransport(
                    allow, resolver=resolver, verify=verify,
                    limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                ),
                timeout=timeout, follow_redirects=False, trust_env=False,
                headers={"User-Agent": user_agent},
            )
            for size in sizes
        ]
        self._busy = [0] * len(sizes)

    async def request_json(
        self, method: str, url: str, *, json: Any = None, headers: dict[str, str] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES, timeout: float | None = None,
    ) -> JsonReply:
        """The decoded JSON body of a 2xx answer; ``OutboundError`` (with a category) otherwise.

        ``timeout`` bounds the whole exchange (a server that drips bytes is cut off too).
        """
        started = time.perf_counter()
        try:
            split_url(url)
            with anyio.fail_after(timeout or self.timeout * 2):
                status, body = await self._exchange(method, url, json, headers, max_bytes)
        except Exception as error:  # noqa: BLE001 - every failure becomes a category
            raise as_outbound_error(error) from None
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise OutboundError(errors.BAD_RESPONSE, status=None) from None
        return JsonReply(status, data, _ms(started))

    async def _exchange(self, method, url, json, headers, max_bytes) -> tuple[int, bytes]:
        content = None if json is None else orjson.dumps(json)
        merged = {"Content-Type": "application/json", **(headers or {})}
        pool = min(range(len(self._clients)), key=self._busy.__getitem__)
        client = self._clients[pool]
        self._busy[pool] += 1
        try:
            request = client.build_request(method, url, content=content, headers=merged)
            response = await client.send(request, stream=True)
            try:
                _raise_for_status(response)
                return response.status_code, await _read_capped(response, max_bytes)
            finally:
                await response.aclose()
        finally:
            self._busy[pool] -= 1

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()

    async def __aenter__(self) -> AsyncOutboundClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


def as_outbound_error(error: BaseException) -> OutboundError:
    """Any failure of a guarded request as an ``OutboundError`` that carries no peer text."""
    if isinstance(error, OutboundError):
        return error
    if isinstance(error, (httpx.TimeoutException, TimeoutError)):
        return OutboundError(errors.TIMEOUT)
    if isinstance(error, (httpx.HTTPError, OSError, ssl.SSLError)):
        return OutboundError(errors.CONNECTION)
    raise error  # a programming error: let it surface


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if 300 <= status < 400:
        raise OutboundError(errors.REDIRECT, status=status)
    if status >= 400 or status < 200:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise OutboundError(errors.HTTP_STATUS, status=status, retry_after=retry_after)


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise OutboundError(errors.TOO_LARGE)
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise OutboundError(errors.TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _pool_sizes(connections: int) -> list[int]:
    """``connections`` split into pools of at most ``CONNECTIONS_PER_POOL``."""
    count = max(1, -(-connections // CONNECTIONS_PER_POOL))
    return [connections // count + (i < connections % count) for i in range(count)]


def _delivery(status: int, elapsed_ms: float) -> Delivery:
    if 200 <= status < 300:
        return Delivery(True, status, elapsed_ms)
    category = errors.REDIRECT if 300 <= status < 400 else errors.HTTP_STATUS
    failure = OutboundError(category, status=status)
    return Delivery(False, status, elapsed_ms, category, str(failure))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)

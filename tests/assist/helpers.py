"""Shared helpers: a ChatClient on the fake server (loopback allowlisted), run in a loop."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio

from curation.assist import ChatClient, EndpointConfig
from curation.outbound import parse_allowlist

LOOPBACK = parse_allowlist("127.0.0.1")


class Sleeps:
    """Records the waits a client asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(fake, *, sleep=None, cancelled=None, **config) -> ChatClient:
    settings = {"model": "fake-model", "timeout": 5.0, **config}
    extra = {"sleep": sleep} if sleep else {}
    return ChatClient(EndpointConfig(fake.base_url, **settings), allow=LOOPBACK,
                      cancelled=cancelled, **extra)


def run(fake, task, **config):
    """``await task(client)`` with a fresh client on ``fake``; returns (result, client)."""
    async def main():
        async with client_for(fake, **config) as client:
            return await task(client), client

    return run_async(main)


def run_async(function, *args):
    """``anyio.run(function, *args)`` in a fresh thread: an earlier test in the same process
    (a browser test) may leave an event loop marked running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, function, *args).result()

"""Running a task over many traces from sync code (a Celery task, a management command).

``JobRunner`` keeps an event loop in a background thread (anyio's blocking portal). ``stream``
reads traces from any iterable in the caller's thread, keeps at most ``in_flight`` of them in
work, and yields each result in the caller's thread as it is done (so the ORM is used where it
may be, and memory stays flat whatever the job's size). A failing trace becomes a ``Failed``
result; nothing a trace does stops the job. ``cancelled()`` is asked before each new trace;
``on_idle()`` is called in the caller's thread every ``idle_seconds`` that no result arrives (a
job's heartbeat goes on while one slow trace is all that is in work).

    with JobRunner() as runner:
        client = runner.call(make_client)          # built inside the loop
        for result in runner.stream(traces, lambda t: critique(client, t, samples=4)):
            save(result)
        runner.call(client.aclose)
"""
from __future__ import annotations

import concurrent.futures as futures
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from . import untrusted

T = TypeVar("T")


@dataclass(frozen=True)
class Failed:
    """A trace whose task raised (a bug, not the model's fault): counted, the job goes on."""

    item: Any
    discarded: str
    detail: str = ""


class JobRunner:
    """An event loop in a background thread, for sync callers. Use as a context manager."""

    def __init__(self) -> None:
        self._manager = None
        self._portal: BlockingPortal | None = None

    def __enter__(self) -> JobRunner:
        self._manager = start_blocking_portal("asyncio")
        self._portal = self._manager.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._manager.__exit__(*exc_info)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` (sync or async) in the loop and return its result."""
        return self._portal.call(function, *args)

    def stream(
        self, items: Iterable[T], work: Callable[[T], Awaitable[Any]], *, in_flight: int = 64,
        cancelled: Callable[[], bool] | None = None,
        on_idle: Callable[[], None] | None = None, idle_seconds: float = 1.0,
    ) -> Iterator[Any]:
        """Results of ``work(item)`` for each item, in the order they finish."""
        pending: set[futures.Future] = set()
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(pending) < in_flight:
                if cancelled and cancelled():
                    exhausted = True
                    break
                item = next(source, _END)
                if item is _END:
                    exhausted = True
                    break
                pending.add(self._portal.start_task_soon(_guarded, work, item))
            if not pending:
                return
            wait = idle_seconds if on_idle else None
            done, pending = futures.wait(pending, timeout=wait, return_when=futures.FIRST_COMPLETED)
            if not done and on_idle:
                on_idle()
            yield from (future.result() for future in done)


_END = object()


async def _guarded(work: Callable[[Any], Awaitable[Any]], item: Any) -> Any:
    try:
        return await work(item)
    except Exception as error:  # noqa: BLE001 - one trace's bug never ends the job
        return Failed(item, untrusted.INTERNAL, type(error).__name__)

"""A token bucket for requests per second or per minute, shared by the tasks of one client."""
from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable

import anyio


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; ``acquire`` waits for one.

    Waiters queue on a lock, so they are served in order and never all wake at once.
    """

    def __init__(
        self, rate: float, burst: float | None = None, *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, math.ceil(rate))
        self.tokens = self.burst
        self._clock, self._sleep = clock, sleep
        self._updated = clock()
        self._lock: anyio.Lock | None = None

    async def acquire(self) -> None:
        self._lock = self._lock or anyio.Lock()
        async with self._lock:
            while True:
                now = self._clock()
                self.tokens = min(self.burst, self.tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await self._sleep((1 - self.tokens) / self.rate)


def buckets_for(per_second: float | None, per_minute: float | None) -> list[TokenBucket]:
    """The buckets a request must pass: one per limit that is set."""
    found = []
    if per_second:
        found.append(TokenBucket(per_second))
    if per_minute:
        found.append(TokenBucket(per_minute / 60.0, burst=max(1.0, min(per_minute, per_minute / 60.0 * 5))))
    return found

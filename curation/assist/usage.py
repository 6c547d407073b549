"""What a job spent: requests, tokens, time, and an estimated cost from per-1k-token prices."""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prices:
    """Price per 1,000 tokens, in whatever currency the lead uses (0 for a local server)."""

    prompt_per_1k: float = 0.0
    completion_per_1k: float = 0.0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return prompt_tokens / 1000 * self.prompt_per_1k + completion_tokens / 1000 * self.completion_per_1k


@dataclass
class Usage:
    """Counters a client keeps while it works; ``snapshot()`` for a plain dict to store."""

    prices: Prices = field(default_factory=Prices)
    requests: int = 0
    failed_requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    busy_seconds: float = 0.0
    first_started: float | None = None
    last_finished: float | None = None

    def started(self) -> float:
        now = time.monotonic()
        if self.first_started is None:
            self.first_started = now
        self.requests += 1
        return now

    def finished(self, started: float, *, ok: bool, prompt: int = 0, completion: int = 0) -> None:
        now = time.monotonic()
        self.busy_seconds += now - started
        self.last_finished = now
        self.failed_requests += not ok
        self.prompt_tokens += prompt
        self.completion_tokens += completion

    @property
    def duration_seconds(self) -> float:
        if self.first_started is None or self.last_finished is None:
            return 0.0
        return self.last_finished - self.first_started

    @property
    def estimated_cost(self) -> float:
        return self.prices.cost(self.prompt_tokens, self.completion_tokens)

    def snapshot(self) -> dict:
        return {
            "requests": self.requests, "failed_requests": self.failed_requests,
            "retries": self.retries, "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "duration_seconds": round(self.duration_seconds, 3),
            "estimated_cost": round(self.estimated_cost, 6),
        }

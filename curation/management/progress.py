"""Following a job from a management command: a one-line progress bar and a poller."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO, TypeVar

Row = TypeVar("Row")
POLL_SECONDS = 0.5


class ProgressBar:
    """Redraws one stderr line at most ten times a second, and always on the final call."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.last_draw = 0.0

    def draw(self, percent: int, label: str, *, finished: bool = False) -> None:
        now = time.monotonic()
        if now - self.last_draw < 0.1 and not finished:
            return
        self.last_draw = now
        done = self.width * percent // 100
        self.stream.write(f"\r[{'#' * done}{'-' * (self.width - done)}] {percent:3d}%  {label}")
        if finished:
            self.stream.write("\n")
        self.stream.flush()


def follow(
    row: Row, *, finished: Callable[[Row], bool], draw: Callable[[Row], None],
    every: float = POLL_SECONDS,
) -> Row:
    """Poll a job's row (an import, a run, a version) until ``finished``, drawing each look.

    The one way ``import_traces``, ``segment`` and ``build_dataset`` follow a job that runs on
    the workers; the caller draws the final state.
    """
    row.refresh_from_db()
    while not finished(row):
        draw(row)
        time.sleep(every)
        row.refresh_from_db()
    return row

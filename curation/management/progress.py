"""A one-line progress bar for the management commands."""
from __future__ import annotations

import sys
import time
from typing import TextIO


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

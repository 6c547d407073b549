"""A build's progress on its version row, where the builder page's progress bar polls it.

The same write renews the build's heartbeat (the reaper's sign that its worker lives).

The build reads inside one long transaction, and what it wrote there would stay invisible to
the page until the end. So progress goes through a second database connection of its own,
committed at once, at most once a second. When the build runs inside a transaction it did not
open (a caller's ``atomic``, the test suite), no other connection could see the version row
anyway, and progress is written through the build's own connection.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import connection
from django.utils import timezone

from curation.models import DatasetVersion

T = TypeVar("T")

WRITE_EVERY_SECONDS = 1.0
CALLBACK_EVERY_SECONDS = 0.1


class BuildProgress:
    """Counts traces as the build consumes them and reports the count."""

    def __init__(
        self, version: DatasetVersion, on_progress: Callable[[int, int], None] | None = None
    ) -> None:
        self.version = version
        self.on_progress = on_progress
        self.done = 0
        self.total = version.traces_total
        self._own = None
        self._last_write = self._last_callback = 0.0

    def __enter__(self) -> BuildProgress:
        if not connection.in_atomic_block:
            self._own = connection.copy()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None

    def begin(self, total: int) -> None:
        """The snapshot's count, which may differ from the one taken when the version was made."""
        self.total = total
        self._report(force=True)

    def counting(self, items: Iterable[T]) -> Iterator[T]:
        """The items, unchanged, counted as they are taken."""
        for item in items:
            yield item
            self.done += 1
            self._report()
        self._report(force=True)

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress and (force or now - self._last_callback >= CALLBACK_EVERY_SECONDS):
            self._last_callback = now
            self.on_progress(self.done, self.total)
        if force or now - self._last_write >= WRITE_EVERY_SECONDS:
            self._last_write = now
            self._write()

    def _write(self) -> None:
        if self._own is None:
            DatasetVersion.objects.filter(
                pk=self.version.pk, status=DatasetVersion.Status.BUILDING
            ).update(traces_done=self.done, traces_total=self.total, heartbeat_at=timezone.now())
            return
        quote = self._own.ops.quote_name
        beat = self._own.ops.adapt_datetimefield_value(timezone.now())
        with self._own.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(DatasetVersion._meta.db_table)} "
                f"SET {quote('traces_done')} = %s, {quote('traces_total')} = %s, "
                f"{quote('heartbeat_at')} = %s "
                f"WHERE {quote('id')} = %s AND {quote('status')} = %s",
                [self.done, self.total, beat, self.version.pk, DatasetVersion.Status.BUILDING],
            )

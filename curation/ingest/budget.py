"""Bounds on the work one file may cost: decompressed bytes, records and (for previews) time.

A 25 MB gzip can hold 24 GiB of one record, and a 615 KB gzip 4.7 million tiny records: the
size of the upload says nothing about the work. ``MeteredStream`` counts the bytes the
container readers see (for gzip: after decompression, as the container reader wraps its
decompressed stream in one) and raises ``LimitExceeded`` as soon as a bound is passed, so
nothing is read or inflated past it. Parquet pages are decompressed inside pyarrow, out of
this count: for Parquet the records bound is the one that holds.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"


class LimitExceeded(Exception):
    """A bound of ``Limits`` was passed; the message says which, for people.

    Deliberately not an OSError or ValueError: the container readers turn those into
    per-record errors and read on, and this must stop the reading.
    """


@dataclass(frozen=True)
class Limits:
    """``None`` leaves a bound off."""

    max_bytes: int | None = None  # decompressed bytes
    max_records: int | None = None  # records and bad records alike: both cost work
    seconds: float | None = None


def _size(number: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if number >= scale:
            return f"{number / scale:g} {unit}"
    return f"{number} bytes"


class Meter:
    """Counts against one ``Limits``; the clock starts when the meter is made."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.bytes = 0
        self.records = 0
        self.stopped: str | None = None  # set when reading ended at a limit (previews)
        self._deadline = (
            time.monotonic() + limits.seconds if limits.seconds is not None else None
        )

    def add_bytes(self, count: int) -> None:
        self.bytes += count
        if self.limits.max_bytes is not None and self.bytes > self.limits.max_bytes:
            raise LimitExceeded(
                f"the file holds more than {_size(self.limits.max_bytes)} of data once "
                "decompressed"
            )
        self.check_time()

    def add_record(self) -> None:
        self.records += 1
        if self.limits.max_records is not None and self.records > self.limits.max_records:
            raise LimitExceeded(f"the file holds more than {self.limits.max_records:,} records")
        self.check_time()

    def check_time(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise LimitExceeded(f"reading took longer than {self.limits.seconds:g} s")


class MeteredStream:
    """A binary stream whose reads are counted (and timed) against a ``Meter``.

    ``skip_gzip``: when the stream turns out to be gzip, count nothing here (time is still
    checked): the container reader meters the decompressed stream instead (see
    ``containers.read_records``' ``inflated``), so the count is of what the readers see.
    """

    def __init__(self, raw: BinaryIO, meter: Meter, *, skip_gzip: bool = False):
        self.raw = raw
        self.meter = meter
        self._skip_gzip = skip_gzip
        self._start = b""  # the first bytes, until we know whether this is gzip
        self._counting: bool | None = None if skip_gzip else True  # None: not known yet

    def read(self, size: int | None = -1) -> bytes:
        self.meter.check_time()
        data = self.raw.read(size)
        self._count(data)
        return data

    def read1(self, size: int = -1) -> bytes:
        """One read underneath where it has ``read1`` (GzipFile): see containers.read_some."""
        self.meter.check_time()
        read1 = getattr(self.raw, "read1", None)
        data = read1(size) if read1 is not None else self.raw.read(size)
        self._count(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _count(self, data: bytes) -> None:
        if self._counting is None:
            self._start += data[:2]
            if len(self._start) < 2 and data:
                self.meter.add_bytes(len(data))  # too short to tell yet: counted as plain
                return
            self._counting = not self._start.startswith(GZIP_MAGIC)
        if self._counting:
            self.meter.add_bytes(len(data))

    # The rest of the file protocol, passed through (Parquet seeks a plain upload in place).
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        try:
            return bool(self.raw.seekable())
        except (AttributeError, ValueError, OSError):
            return False

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    @property
    def closed(self) -> bool:
        return bool(getattr(self.raw, "closed", False))

    def close(self) -> None:
        self.raw.close()


def metered_items(items: Iterable, meter: Meter, *, stop_at_limit: bool = False) -> Iterator:
    """``items`` as they come, each counted as a record. A passed limit (here or in the reading
    behind ``items``) raises, or with ``stop_at_limit`` ends the items and sets ``meter.stopped``."""
    try:
        for item in items:
            meter.add_record()
            yield item
    except LimitExceeded as exc:
        if not stop_at_limit:
            raise
        meter.stopped = str(exc)


def upload_too_large(size: int, limit: int) -> str | None:
    """Why a file of ``size`` bytes is refused as an upload (None when it is not; 0: no limit)."""
    if limit and size > limit:
        return (
            f"The file is {_size(size)}; uploads are limited to {_size(limit)} "
            "(STEPWISE_MAX_UPLOAD_BYTES)."
        )
    return None

"""What every container reader shares: limits, sniffing the head of a stream, decompression-
safe reads, and decoding one JSON record (bad input becomes a ``RecordError``, never raises)."""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from typing import BinaryIO

import orjson

from curation.traces.records import RecordError

MiB = 1024 * 1024
DEFAULT_MAX_RECORD_BYTES = 64 * MiB
CHUNK_SIZE = MiB  # read size: big enough for speed, small enough to keep memory flat
SNIFF_SIZE = 64 * 1024
PARQUET_BATCH_ROWS = 64  # traces run to tens of kB each; 64 rows keep a batch a few MB

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"

# What the readers yield: ``(location, record)`` or a ``RecordError``.
Item = tuple[int, dict] | RecordError

# Errors a (possibly decompressing) stream raises when the file is truncated or corrupt.
READ_ERRORS = (EOFError, OSError, zlib.error)


class CountingReader:
    """Wraps the raw upload and counts the bytes read through it.

    Wrap the stream *before* any decompression so ``bytes_read`` can be drawn against the
    file size in a progress bar (for Parquet, footer reads can count twice: clamp to 100%).
    """

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer) or 0
        self.bytes_read += count
        return count

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return _is_seekable(self.raw)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    @property
    def closed(self) -> bool:
        return bool(getattr(self.raw, "closed", False))

    def close(self) -> None:
        self.raw.close()


class _Prefixed(io.RawIOBase):
    """``head`` first, then the rest of ``rest``: lets us sniff a stream we cannot seek.

    ``failure``, if given, is raised once ``head`` is used up: it replays a read error that
    happened while the head was being read (a gzip file truncated inside its first 64 kB).
    """

    def __init__(self, head: bytes, rest: BinaryIO | None, failure: BaseException | None = None):
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self._failure = failure

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """Direct reads: skips the copy through a buffer that ``readinto`` would cost."""
        if len(self._head):
            count = len(self._head) if size is None or size < 0 else min(size, len(self._head))
            data = bytes(self._head[:count])
            self._head = self._head[count:]
            return data
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        if self._rest is None:
            return b""
        if size is None or size < 0:
            return self._rest.read()
        return read_some(self._rest, size)

    read1 = read

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)



# ---------------------------------------------------------------------------------------
# Small stream helpers


def read_some(stream, size: int) -> bytes:
    """One read of at most ``size`` bytes.

    ``read1`` where the stream has it: a buffered ``read`` (GzipFile's included) loops over
    several raw reads and drops what it already had if a later one fails, which would lose
    the last good records before a truncation.
    """
    read1 = getattr(stream, "read1", None)
    return read1(size) if read1 is not None else stream.read(size)


def _is_seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _read_head(stream) -> tuple[bytes, BaseException | None]:
    """Read up to SNIFF_SIZE bytes; a read error is returned, not raised, to be replayed later."""
    parts: list[bytes] = []
    size = 0
    while size < SNIFF_SIZE:
        try:
            data = read_some(stream, SNIFF_SIZE - size)
        except READ_ERRORS as exc:
            return b"".join(parts), exc
        if not data:
            break
        parts.append(data)
        size += len(data)
    return b"".join(parts), None


def _describe_read_error(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the file is truncated (the compressed stream ends early)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"the gzip data is corrupt ({exc})"
    return f"read failed ({type(exc).__name__}: {exc})"


def _looks_binary(head: bytes) -> bool:
    """True when the first line is not UTF-8 text (a CSV header is always text), or when
    the head as a whole is mostly not text: a short first line can be text by chance."""
    if _mostly_not_text(head):
        return True
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line:
        return True
    try:
        first_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sniffed head is still text.
        return not (len(first_line) == len(head) and exc.start >= len(first_line) - 3)
    return False


# Bytes that never occur in UTF-8 text files (controls other than tab, CR, LF, FF).
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BINARY_SHARE = 0.05  # random data has ~10% such bytes; text has none or a handful


def _mostly_not_text(head: bytes) -> bool:
    """More than BINARY_SHARE of the head is control bytes or invalid UTF-8."""
    if not head:
        return False
    invalid = head.decode("utf-8", "replace").count("\ufffd")
    return (len(_NOT_TEXT.findall(head)) + invalid) / len(head) > BINARY_SHARE


def _unrecognised(head: bytes, name: str) -> str:
    reason = (
        f"unrecognised content (starts with bytes {head[:8].hex(' ')}): "
        "not a supported container (gzip, Parquet, JSON, JSONL or CSV)"
    )
    lowered = name.lower()
    if lowered.endswith((".parquet", ".pq")):
        reason += (
            "; the file is named like Parquet but lacks the PAR1 magic (damaged or not Parquet)"
        )
    elif lowered.endswith(".gz"):
        reason += "; the file is named .gz but lacks the gzip magic bytes"
    return reason


# ---------------------------------------------------------------------------------------
# Decoding one record


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def decode_record(data: bytes, location: int, what: str = "line") -> Item:
    """Parse one JSON object; orjson first (fast), a precise diagnosis only on failure."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        value, reason = _decode_slowly(data)
        if reason:
            return RecordError(location, reason)
    if not isinstance(value, dict):
        return RecordError(
            location, f"the {what} is valid JSON but not an object (got {_json_type(value)})"
        )
    return location, value


def _decode_slowly(data: bytes) -> tuple[object, str]:
    """Say exactly what is wrong, or accept what orjson refuses but JSON allows (huge ints, NaN)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, f"contains a NUL byte at byte {nul}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}"
    try:
        value = json.loads(text)
    except RecursionError:
        return None, "malformed JSON: nested too deeply"
    except ValueError as exc:
        return None, f"malformed JSON: {exc}"
    if _has_lone_surrogate(value):  # "\ud800" escapes: text no database can store
        return None, "contains an unpaired surrogate escape (invalid Unicode)"
    return value, ""


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        if value.isascii():
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def _too_long(max_record_bytes: int) -> str:
    return f"record is longer than the {max_record_bytes:,}-byte limit (max_record_bytes); skipped"



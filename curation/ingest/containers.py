"""Read raw records out of an uploaded file, whatever its container, with flat memory.

The container is sniffed from the content, never from the file name: gzip by its magic
bytes (any container may be gzipped), Parquet by ``PAR1``, a JSON array by a leading ``[``,
JSONL by a leading ``{``, anything else that looks like text is CSV. The name only makes
error messages clearer.

Every read is bounded: JSONL and JSON arrays are split into records while streaming
(a record never has to be longer than ``max_record_bytes`` to be skipped), CSV lines are
read with a length limit, Parquet is read batch by batch. Bad input never raises: it comes
out as a ``RecordError`` and the good records around it still come out.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

import orjson

from .records import RecordError

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


def read_records(
    stream: BinaryIO,
    *,
    name: str = "",
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    inflated: Callable[[BinaryIO], BinaryIO] | None = None,
) -> Iterator[Item]:
    """Yield ``(location, record_dict)`` or ``RecordError`` for every record in ``stream``.

    ``location`` is the 1-based line (JSONL, CSV), element (JSON array, or JSON document
    for a file of pretty-printed objects) or row (Parquet); 0 means the file as a whole.
    ``inflated``, if given, wraps a gzip file's decompressed stream (the import limits count
    what comes out of it: ``budget.MeteredStream``).
    """
    start = stream.tell() if _is_seekable(stream) else None
    head, failure = _read_head(stream)
    if head.startswith(GZIP_MAGIC):
        yield from _read_gzip(_Prefixed(head, stream, failure), name, max_record_bytes, inflated)
        return
    yield from _dispatch(
        head, stream, failure, name, max_record_bytes, start=start, compressed=False
    )


def _read_gzip(
    raw: io.RawIOBase, name: str, max_record_bytes: int, inflated: Callable | None = None
) -> Iterator[Item]:
    inner = gzip.GzipFile(fileobj=raw, mode="rb")
    inner = inflated(inner) if inflated else inner  # the import limits count what comes out
    head, failure = _read_head(inner)
    if not head and failure is not None:
        yield RecordError(0, f"gzip data is unreadable: {_describe_read_error(failure)}")
        return
    yield from _dispatch(head, inner, failure, name, max_record_bytes, start=None, compressed=True)


def _dispatch(
    head: bytes,
    rest: BinaryIO,
    failure: BaseException | None,
    name: str,
    max_record_bytes: int,
    *,
    start: int | None,
    compressed: bool,
) -> Iterator[Item]:
    """Pick the reader for the content that starts with ``head``."""
    if head.startswith(PARQUET_MAGIC):
        yield from _read_parquet(head, rest, failure, start=None if compressed else start)
        return
    head = head.removeprefix(UTF8_BOM)
    body = head.lstrip()
    if not body and failure is None:
        yield RecordError(0, "file is empty" + (" after gzip decompression" if compressed else ""))
        return
    stream = _Prefixed(head, rest, failure)
    if body.startswith(b"["):
        yield from _read_json_values(stream, max_record_bytes, array=True)
    elif body.startswith(b"{") and body.split(b"\n", 1)[0].strip() == b"{":
        # A pretty-printed object (a SWE-agent .traj file): not one record per line.
        yield from _read_json_values(stream, max_record_bytes, array=False)
    elif body.startswith(b"{"):
        yield from _read_jsonl(stream, max_record_bytes)
    elif _looks_binary(head):
        yield RecordError(0, _unrecognised(head, name))
    else:
        yield from _read_csv(stream, max_record_bytes)


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
    """True when the first line is not UTF-8 text: a CSV header is always text."""
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line:
        return True
    try:
        first_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sniffed head is still text.
        return not (len(first_line) == len(head) and exc.start >= len(first_line) - 3)
    return False


def _unrecognised(head: bytes, name: str) -> str:
    reason = (
        f"unrecognised content (starts with bytes {head[:8].hex(' ')}): "
        "not gzip, Parquet, JSON, JSONL or CSV"
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


# ---------------------------------------------------------------------------------------
# JSONL


def _chunks(stream) -> Iterator[bytes | BaseException]:
    """The stream in CHUNK_SIZE pieces; a read error is yielded last instead of raised."""
    while True:
        try:
            chunk = read_some(stream, CHUNK_SIZE)
        except READ_ERRORS as exc:
            yield exc
            return
        if not chunk:
            return
        yield chunk


def _read_jsonl(stream, max_record_bytes: int) -> Iterator[Item]:
    line_no = 0
    pending: list[bytes] = []  # the start of a line whose newline has not arrived yet
    pending_size = 0
    skipping = False  # inside an over-long line: drop bytes up to its newline
    for chunk in _chunks(stream):
        if isinstance(chunk, BaseException):
            yield from _truncated_tail(b"".join(pending), line_no + 1, chunk, skipping)
            return
        pieces = chunk.split(b"\n")
        for piece in pieces[:-1]:
            line_no += 1
            if skipping:
                skipping = False
                continue
            if pending:
                piece = b"".join(pending) + piece
                pending, pending_size = [], 0
            yield from _jsonl_line(piece, line_no, max_record_bytes)
        tail = pieces[-1]
        if skipping or not tail:
            continue
        pending.append(tail)
        pending_size += len(tail)
        if pending_size > max_record_bytes:
            yield RecordError(line_no + 1, _too_long(max_record_bytes))
            pending, pending_size, skipping = [], 0, True
    if pending:
        yield from _jsonl_line(b"".join(pending), line_no + 1, max_record_bytes)


def _jsonl_line(line: bytes, line_no: int, max_record_bytes: int) -> Iterator[Item]:
    if not line or line.isspace():
        return
    if len(line) > max_record_bytes:
        yield RecordError(line_no, _too_long(max_record_bytes))
        return
    yield decode_record(line, line_no)


def _truncated_tail(
    tail: bytes, location: int, exc: BaseException, skipping: bool
) -> Iterator[Item]:
    """Keep the last line if the cut fell right after it, then report the truncation."""
    if tail.strip() and not skipping:
        item = decode_record(tail, location)
        if not isinstance(item, RecordError):
            yield item
            location += 1
    yield RecordError(location, _describe_read_error(exc))


# ---------------------------------------------------------------------------------------
# JSON array (and a file of concatenated / pretty-printed JSON documents)

_STRUCTURAL = re.compile(rb'["\[\]{}]')
_SCALAR = re.compile(rb"[^,\]}\s]*")
_SPACE = re.compile(rb"\s*")


class _Truncated(Exception):
    """The input ended inside a JSON value."""


class _Window:
    """A growing byte buffer over the stream; bytes before ``pos`` may be dropped."""

    def __init__(self, stream):
        self.stream = stream
        self.buf = bytearray()
        self.pos = 0
        self.failure: BaseException | None = None

    def fill(self) -> int | None:
        """Read one chunk. Returns how far positions shifted (front bytes dropped), None at end."""
        if self.failure is not None:
            return None
        try:
            chunk = read_some(self.stream, CHUNK_SIZE)
        except READ_ERRORS as exc:
            self.failure = exc
            return None
        if not chunk:
            return None
        shift = 0
        # Drop consumed bytes only when they are most of the buffer: keeps it amortised O(n).
        if self.pos and self.pos >= len(self.buf) // 2:
            shift = self.pos
            del self.buf[:shift]
            self.pos = 0
        self.buf += chunk
        return shift

    def next_nonspace(self) -> int | None:
        """Move ``pos`` to the next non-whitespace byte and return it (None at end of input)."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.fill() is None:
                return None


class _ValueScan:
    """Finds where the JSON value starting at ``pos`` ends, resumably across chunks.

    Only brackets and strings are tracked: the value is validated later by orjson. The
    scan jumps with C-level regexes, so long strings cost no Python work per character.
    """

    __slots__ = ("depth", "in_string", "kind", "pos")

    def __init__(self, start: int):
        self.pos = start
        self.depth = 0
        self.in_string = False
        self.kind = ""

    def advance(self, buf: bytearray) -> bool:
        """Scan on; True once the value ended (at ``self.pos``), False if more bytes are needed."""
        if not self.kind:
            self._start(buf[self.pos])
        if self.kind == "scalar":
            self.pos = _SCALAR.match(buf, self.pos).end()
            return self.pos < len(buf)
        return self._scan_nested(buf)

    def _start(self, first: int) -> None:
        if first in b"[{":
            self.kind, self.depth = "nested", 1
            self.pos += 1
        elif first == 0x22:  # '"'
            self.kind, self.in_string = "nested", True
            self.pos += 1
        else:
            self.kind = "scalar"

    def _scan_nested(self, buf: bytearray) -> bool:
        pos, size = self.pos, len(buf)
        while True:
            if self.in_string:
                # memchr-speed jumps from quote to quote; escaped quotes are rare in traces.
                quote = buf.find(b'"', pos)
                while quote >= 0 and _is_escaped(buf, quote):
                    quote = buf.find(b'"', quote + 1)
                if quote < 0:
                    self.pos = size
                    return False
                pos = quote + 1
                self.in_string = False
                if self.depth == 0:  # a top-level string value
                    self.pos = pos
                    return True
                continue
            match = _STRUCTURAL.search(buf, pos)
            if match is None:
                self.pos = size
                return False
            pos = match.end()
            char = buf[pos - 1]
            if char == 0x22:
                self.in_string = True
            elif char in b"[{":
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 0:
                    self.pos = pos
                    return True


def _is_escaped(buf: bytearray, quote: int) -> bool:
    """A quote is escaped when an odd number of backslashes precede it."""
    before = quote
    while buf[before - 1] == 0x5C:  # never runs past the string's opening quote
        before -= 1
    return (quote - before) % 2 == 1


def _keep_from(buf: bytearray, pos: int, start: int) -> int:
    """Where a skipped value's bytes may be dropped from: keep a trailing backslash run,
    which decides whether the next quote is escaped."""
    while pos > start and buf[pos - 1] == 0x5C:
        pos -= 1
    return pos


def _next_value(window: _Window, max_record_bytes: int) -> bytes | None:
    """The bytes of the value at ``window.pos`` (None if it was too long and skipped).

    Raises _Truncated when the input ends inside the value.
    """
    start = window.pos
    scan = _ValueScan(start)
    skipping = False
    while not scan.advance(window.buf):
        if scan.pos - start > max_record_bytes:
            skipping = True
        if skipping:  # forget what was scanned so the buffer cannot grow
            window.pos = start = _keep_from(window.buf, scan.pos, start)
        shift = window.fill()
        if shift is None:
            if scan.kind == "scalar" and not skipping:
                break  # a bare scalar may end at the end of input
            window.pos = scan.pos
            raise _Truncated
        scan.pos -= shift
        start -= shift
    window.pos = scan.pos
    if skipping or scan.pos - start > max_record_bytes:
        return None
    return bytes(window.buf[start : scan.pos])


def _read_json_values(stream, max_record_bytes: int, *, array: bool) -> Iterator[Item]:
    window = _Window(stream)
    what = "element" if array else "document"
    if array:
        window.next_nonspace()
        window.pos += 1  # the opening '['
        if window.next_nonspace() == ord("]"):
            window.pos += 1
            yield RecordError(0, "the JSON array is empty")
            yield from _check_trailing(window)
            return
    index = 0
    while True:
        if window.next_nonspace() is None:
            if array:
                yield RecordError(index + 1, _ended_inside(window, "array"))
                return
            break
        index += 1
        try:
            data = _next_value(window, max_record_bytes)
        except _Truncated:
            yield RecordError(index, _ended_inside(window, what))
            return
        yield (
            RecordError(index, _too_long(max_record_bytes))
            if data is None
            else decode_record(data, index, what)
        )
        if array and not (yield from _after_element(window, index)):
            return
    if window.failure is not None:
        yield RecordError(index + 1, _describe_read_error(window.failure))


def _after_element(window: _Window, index: int) -> Iterator[Item]:
    """Consume the ',' or ']' after an array element. Returns True while elements follow."""
    char = window.next_nonspace()
    if char == ord(","):
        window.pos += 1
        return True
    if char == ord("]"):
        window.pos += 1
        yield from _check_trailing(window)
        return False
    if char is None:
        reason = (
            _describe_read_error(window.failure)
            if window.failure is not None
            else "the JSON array is not closed: the file ends after this element"
        )
        yield RecordError(index + 1, reason)
        return False
    # Without the comma we cannot tell where the next element starts: stop here, loudly.
    yield RecordError(
        index + 1,
        f"expected ',' or ']' after element {index}, found {chr(char)!r}; "
        "the rest of the file is not read",
    )
    return False


def _check_trailing(window: _Window) -> Iterator[Item]:
    if window.next_nonspace() is not None:
        yield RecordError(0, "unexpected data after the end of the JSON array; ignored")
    elif window.failure is not None:
        yield RecordError(0, _describe_read_error(window.failure))


def _ended_inside(window: _Window, what: str) -> str:
    if window.failure is not None:
        return _describe_read_error(window.failure)
    if what == "array":
        return "the JSON array is not closed: the file ends after a ','"
    return f"the file ends inside this {what} (truncated or unbalanced brackets)"


# ---------------------------------------------------------------------------------------
# CSV

_BAD_UTF8 = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" turns bad bytes into


def _read_csv(stream, max_record_bytes: int) -> Iterator[Item]:
    # The limit is process-wide in the csv module; a field can never need more than a record.
    csv.field_size_limit(min(max_record_bytes, sys.maxsize))
    buffered = io.BufferedReader(stream, CHUNK_SIZE)
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
    overlong: list[int] = []
    rows = csv.reader(_bounded_lines(text, max_record_bytes, overlong))
    header: list[str] | None = None
    end_line = 0
    while True:
        start_line = end_line + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            end_line = rows.line_num
            yield RecordError(start_line, f"malformed CSV: {exc}")
            continue
        except READ_ERRORS as exc:
            yield RecordError(start_line, _describe_read_error(exc))
            return
        end_line = rows.line_num
        while overlong and overlong[0] <= end_line:
            yield RecordError(overlong.pop(0), _too_long(max_record_bytes))
        if not row:
            continue
        if header is None:
            header = row
            continue
        yield _csv_record(header, row, start_line)
    for line_no in overlong:
        yield RecordError(line_no, _too_long(max_record_bytes))


def _bounded_lines(
    text: io.TextIOBase, max_record_bytes: int, overlong: list[int]
) -> Iterator[str]:
    """Physical lines, each read with a length limit; an over-long line becomes a blank one.

    The blank keeps csv's line count in step; the line number goes to ``overlong``.
    """
    line_no = 0
    while True:
        line = text.readline(max_record_bytes + 1)
        if not line:
            return
        line_no += 1
        if len(line) > max_record_bytes and not line.endswith(("\n", "\r")):
            overlong.append(line_no)
            while line and not line.endswith(("\n", "\r")):
                line = text.readline(CHUNK_SIZE)
            yield "\n"
            continue
        yield line


def _csv_record(header: list[str], row: list[str], line_no: int) -> Item:
    if len(row) > len(header):
        return RecordError(
            line_no, f"the row has {len(row)} fields but the header has {len(header)}"
        )
    for column, value in zip(header, row):
        if "\x00" in value:
            return RecordError(line_no, f"contains a NUL character in column {column!r}")
        if _BAD_UTF8.search(value):
            return RecordError(line_no, f"invalid UTF-8 in column {column!r}")
    return line_no, dict(zip(header, row))


# ---------------------------------------------------------------------------------------
# Parquet


def _read_parquet(
    head: bytes, rest, failure: BaseException | None, *, start: int | None
) -> Iterator[Item]:
    """Parquet keeps its index at the end of the file, so it needs a seekable file.

    A seekable upload is read in place; anything else (a gzipped Parquet, a socket) is
    spooled to a temporary file first, in chunks.
    """
    if start is not None and failure is None:
        rest.seek(start)
        yield from _parquet_rows(rest)
        return
    with tempfile.TemporaryFile(prefix="stepwise-ingest-") as spool:
        try:
            shutil.copyfileobj(_Prefixed(head, rest, failure), spool, CHUNK_SIZE)
        except READ_ERRORS as exc:
            yield RecordError(0, f"cannot read the Parquet file: {_describe_read_error(exc)}")
            return
        spool.seek(0)
        yield from _parquet_rows(spool)


def _parquet_rows(source) -> Iterator[Item]:
    import pyarrow  # imported here: only Parquet uploads pay for it
    import pyarrow.parquet as pq

    arrow_errors = (pyarrow.ArrowException, OSError, ValueError, TypeError)
    try:
        # buffer_size > 0 streams pages instead of loading whole column chunks.
        parquet = pq.ParquetFile(source, buffer_size=CHUNK_SIZE, pre_buffer=False)
    except arrow_errors as exc:
        yield RecordError(0, f"not a readable Parquet file: {exc}")
        return
    if parquet.metadata.num_rows == 0:
        yield RecordError(0, "the Parquet file has no rows")
        return
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                yield row, record
    except arrow_errors as exc:
        yield RecordError(row + 1, f"the Parquet data is unreadable from this row on: {exc}")

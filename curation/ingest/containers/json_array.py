"""A JSON array (or a file of concatenated / pretty-printed JSON documents), split into
records while streaming, with a window of bounded size."""

from __future__ import annotations

import re
from collections.abc import Iterator

from curation.ingest.containers import base  # read sizes are looked up per read: tests shrink them
from curation.ingest.containers.base import (
    decode_record, _describe_read_error, Item, READ_ERRORS, read_some, _too_long,
)
from curation.traces.records import RecordError


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
            chunk = read_some(self.stream, base.CHUNK_SIZE)
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

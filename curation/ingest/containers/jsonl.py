"""JSON Lines: one record per line, split while streaming."""

from __future__ import annotations

from collections.abc import Iterator

from curation.ingest.containers import base  # read sizes are looked up per read: tests shrink them
from curation.ingest.containers.base import (
    decode_record, _describe_read_error, Item, READ_ERRORS, read_some, _too_long,
)
from curation.traces.records import RecordError


def _chunks(stream) -> Iterator[bytes | BaseException]:
    """The stream in base.CHUNK_SIZE pieces; a read error is yielded last instead of raised."""
    while True:
        try:
            chunk = read_some(stream, base.CHUNK_SIZE)
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

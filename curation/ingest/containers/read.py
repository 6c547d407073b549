"""Open a stream of any container: gunzip if needed, sniff the content, hand it to its reader."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from curation.ingest.containers.base import (
    DEFAULT_MAX_RECORD_BYTES, _describe_read_error, GZIP_MAGIC, _is_seekable, Item, _looks_binary,
    PARQUET_MAGIC, _Prefixed, _read_head, _unrecognised, UTF8_BOM,
)
from curation.ingest.containers.csv import _read_csv
from curation.ingest.containers.json_array import _read_json_values
from curation.ingest.containers.jsonl import _read_jsonl
from curation.ingest.containers.parquet import _read_parquet
from curation.traces.records import RecordError


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

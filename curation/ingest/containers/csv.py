"""CSV: a header row, then one record per row; lines read with a length limit."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator

from curation.ingest.containers import base  # read sizes are looked up per read: tests shrink them
from curation.ingest.containers.base import _describe_read_error, Item, READ_ERRORS, _too_long
from curation.traces.records import RecordError


_BAD_UTF8 = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" turns bad bytes into


def _read_csv(stream, max_record_bytes: int) -> Iterator[Item]:
    # The limit is process-wide in the csv module; a field can never need more than a record.
    csv.field_size_limit(min(max_record_bytes, sys.maxsize))
    buffered = io.BufferedReader(stream, base.CHUNK_SIZE)
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
                line = text.readline(base.CHUNK_SIZE)
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

"""Reading records out of each container, gzipped or not, sniffed from the content."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.ingest.containers import CountingReader, read_records
from curation.traces.records import RecordError

from .conftest import errors_of, gzipped, records

ROWS = [
    {"problem": "1+1?", "response": "2"},
    {"problem": "2+2?", "response": "4, with <b>bold</b>"},
]


def jsonl_bytes(rows=ROWS) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def json_array_bytes(rows=ROWS) -> bytes:
    return json.dumps(rows, indent=2).encode()


def csv_bytes() -> bytes:
    return b'problem,response\n1+1?,2\n2+2?,"4, with <b>bold</b>"\n'


def parquet_bytes(rows=ROWS) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return sink.getvalue()


class NonSeekable(io.RawIOBase):
    """An upload stream that cannot seek (a socket, a pipe)."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._data.readinto(buffer)


CONTAINERS = {
    "jsonl": jsonl_bytes,
    "json": json_array_bytes,
    "csv": csv_bytes,
    "parquet": parquet_bytes,
}
FIRST_LOCATION = {"jsonl": 1, "json": 1, "csv": 2, "parquet": 1}  # CSV line 1 is the header


@pytest.mark.parametrize("container", CONTAINERS)
def test_each_container_yields_the_rows_as_dicts(container):
    items = records(CONTAINERS[container]())
    assert [record for _, record in items] == ROWS
    assert items[0][0] == FIRST_LOCATION[container]


@pytest.mark.parametrize("container", CONTAINERS)
def test_each_container_reads_the_same_when_gzipped(container):
    assert records(gzipped(CONTAINERS[container]())) == records(CONTAINERS[container]())


@pytest.mark.parametrize(
    "container,misleading_name",
    [
        ("jsonl", "traces.csv"),
        ("json", "traces.parquet"),
        ("csv", "traces.json"),
        ("parquet", "traces.jsonl.gz"),
    ],
)
def test_a_lying_extension_does_not_change_the_reading(container, misleading_name):
    assert [r for _, r in records(CONTAINERS[container](), name=misleading_name)] == ROWS


def test_parquet_from_a_stream_that_cannot_seek_is_spooled():
    items = list(read_records(NonSeekable(parquet_bytes())))
    assert [record for _, record in items] == ROWS


def test_gzipped_parquet_from_a_stream_that_cannot_seek():
    items = list(read_records(NonSeekable(gzipped(parquet_bytes()))))
    assert [record for _, record in items] == ROWS


def test_jsonl_locations_are_line_numbers_counting_blank_lines():
    items = records(b'{"a": 1}\n\n   \n{"a": 2}\r\n')
    assert items == [(1, {"a": 1}), (4, {"a": 2})]


def test_jsonl_last_line_without_newline_is_read():
    assert records(b'{"a": 1}\n{"a": 2}') == [(1, {"a": 1}), (2, {"a": 2})]


def test_json_array_locations_are_element_numbers():
    items = records(b'[{"a": 1},\n\n{"a": 2}, {"a": 3}]')
    assert [location for location, _ in items] == [1, 2, 3]


def test_json_array_strings_with_brackets_quotes_and_backslashes():
    rows = [{"t": 'a "quoted" ]} [{ \\ \\"x\\\\'}, {"t": "\\\\"}]
    assert [r for _, r in records(json.dumps(rows).encode())] == rows


def test_pretty_printed_object_file_is_one_record():
    data = json.dumps({"trajectory": [{"action": "ls"}], "history": []}, indent=2).encode()
    assert records(data) == [(1, {"trajectory": [{"action": "ls"}], "history": []})]


def test_csv_quoted_field_over_several_lines_reports_its_first_line():
    items = records(b'problem,response\n"line one\nline two",x\n3,4\n')
    assert items == [
        (2, {"problem": "line one\nline two", "response": "x"}),
        (4, {"problem": "3", "response": "4"}),
    ]


def test_utf8_byte_order_mark_is_ignored():
    assert records(b"\xef\xbb\xbf" + jsonl_bytes())[0] == (1, ROWS[0])


def test_counting_reader_reports_compressed_bytes_consumed():
    data = gzipped(jsonl_bytes(ROWS * 500))
    reader = CountingReader(io.BytesIO(data))
    assert len(list(read_records(reader))) == 1000
    assert reader.bytes_read == len(data)


def test_large_integers_and_nan_are_accepted_like_python_json():
    assert (
        records(b'{"n": 123456789012345678901234567890, "x": NaN}\n')[0][1]["n"]
        == 123456789012345678901234567890
    )


# --- bad input: reported with its location, never fatal ------------------------------------


def test_empty_file_is_one_error_at_location_zero():
    assert errors_of(records(b"")) == [(0, "file is empty")]


def test_whitespace_only_file_is_empty():
    assert errors_of(records(b" \n\t\n")) == [(0, "file is empty")]


def test_empty_gzip_says_so():
    assert errors_of(records(gzipped(b""))) == [(0, "file is empty after gzip decompression")]


def test_malformed_json_line_is_reported_and_reading_continues():
    items = records(b'{"a": 1}\n{"a": \n{"a": 3}\n')
    assert items[0] == (1, {"a": 1}) and items[2] == (3, {"a": 3})
    assert items[1].location == 2 and items[1].reason.startswith("malformed JSON")


def test_valid_json_that_is_not_an_object_is_reported():
    items = records(b'{"a": 1}\n[1, 2]\n"text"\n')
    assert errors_of(items) == [
        (2, "the line is valid JSON but not an object (got an array)"),
        (3, "the line is valid JSON but not an object (got a string)"),
    ]


def test_invalid_utf8_line_is_reported_and_reading_continues():
    items = records(b'{"a": "caf\xe9"}\n{"a": "ok"}\n')
    assert errors_of(items) == [(1, "invalid UTF-8 at byte 10")]
    assert items[1] == (2, {"a": "ok"})


def test_nul_byte_line_is_reported():
    items = records(b'{"a": "x\x00y"}\n{"a": 2}\n')
    assert errors_of(items) == [(1, "contains a NUL byte at byte 8")]
    assert items[1] == (2, {"a": 2})


def test_lone_surrogate_escape_is_reported():
    assert errors_of(records(b'{"a": "\\ud800"}\n')) == [
        (1, "contains an unpaired surrogate escape (invalid Unicode)")
    ]


def test_line_longer_than_the_limit_is_skipped_and_reported():
    data = b'{"a": 1}\n{"big": "' + b"x" * 5000 + b'"}\n{"a": 3}\n'
    items = records(data, max_record_bytes=1000)
    assert items[0] == (1, {"a": 1}) and items[2] == (3, {"a": 3})
    assert items[1].location == 2 and "longer than the 1,000-byte limit" in items[1].reason


def test_array_element_longer_than_the_limit_is_skipped_and_reported():
    data = b'[{"a": 1}, {"big": "' + b"x" * 5000 + b'"}, {"a": 3}]'
    items = records(data, max_record_bytes=1000)
    assert items[0] == (1, {"a": 1}) and items[2] == (3, {"a": 3})
    assert items[1].location == 2 and "longer than" in items[1].reason


def test_truncated_gzip_yields_the_records_before_the_cut_then_an_error():
    data = gzipped(jsonl_bytes([{"i": i, "pad": "x" * 50} for i in range(2000)]))
    items = records(data[: len(data) // 2])
    good = [item for item in items if isinstance(item, tuple)]
    assert len(good) > 100 and [r["i"] for _, r in good] == list(range(len(good)))
    assert errors_of(items) == [
        (len(good) + 1, "the file is truncated (the compressed stream ends early)")
    ]


def test_truncated_gzip_of_a_json_array_reports_the_element_it_ended_in():
    data = gzipped(json.dumps([{"i": i, "pad": "x" * 50} for i in range(2000)]).encode())
    items = records(data[: len(data) // 2])
    good = [item for item in items if isinstance(item, tuple)]
    assert len(good) > 100
    assert errors_of(items) == [
        (len(good) + 1, "the file is truncated (the compressed stream ends early)")
    ]


def test_json_array_without_its_closing_bracket():
    assert errors_of(records(b'[{"a": 1}, {"a": 2')) == [
        (2, "the file ends inside this element (truncated or unbalanced brackets)")
    ]


def test_json_array_missing_a_comma_stops_with_a_clear_error():
    items = records(b'[{"a": 1} {"a": 2}]')
    assert items[0] == (1, {"a": 1})
    assert errors_of(items) == [
        (2, "expected ',' or ']' after element 1, found '{'; the rest of the file is not read")
    ]


def test_data_after_the_json_array_is_reported():
    assert errors_of(records(b'[{"a": 1}] trailing')) == [
        (0, "unexpected data after the end of the JSON array; ignored")
    ]


def test_empty_json_array_is_reported():
    assert errors_of(records(b"[ ]")) == [(0, "the JSON array is empty")]


def test_binary_garbage_is_one_clear_error():
    items = records(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert len(items) == 1 and items[0].location == 0
    assert items[0].reason.startswith("unrecognised content (starts with bytes 89 50 4e 47")


def test_garbage_named_parquet_mentions_the_missing_magic():
    [error] = records(b"\x00\x01\x02garbage", name="data.parquet")
    assert "named like Parquet but lacks the PAR1 magic" in error.reason


def test_unreadable_parquet_is_reported():
    [error] = records(b"PAR1" + b"\x00" * 100)
    assert error.location == 0 and error.reason.startswith("not a readable Parquet file")


def test_parquet_without_rows_is_reported():
    empty = io.BytesIO()
    pq.write_table(pa.table({"problem": pa.array([], pa.string())}), empty)
    assert errors_of(records(empty.getvalue())) == [(0, "the Parquet file has no rows")]


def test_csv_row_with_invalid_utf8_is_reported_and_reading_continues():
    items = records(b"problem,response\ncaf\xe9,x\nok,y\n")
    assert errors_of(items) == [(2, "invalid UTF-8 in column 'problem'")]
    assert items[1] == (3, {"problem": "ok", "response": "y"})


def test_csv_row_with_nul_is_reported():
    assert errors_of(records(b"problem,response\na\x00b,x\n")) == [
        (2, "contains a NUL character in column 'problem'")
    ]


def test_csv_line_longer_than_the_limit_is_skipped_and_reported():
    items = records(b"problem,response\n" + b"x" * 5000 + b",y\nok,z\n", max_record_bytes=1000)
    assert items[0].location == 2 and "longer than" in items[0].reason
    assert items[1] == (3, {"problem": "ok", "response": "z"})


def test_csv_row_with_more_fields_than_the_header_is_reported():
    assert errors_of(records(b"problem,response\na,b,c\n")) == [
        (2, "the row has 3 fields but the header has 2")
    ]


def test_truncated_gzip_of_a_csv_yields_the_rows_before_the_cut_then_an_error():
    data = gzipped(b"problem,response\n" + b"".join(b"p%d,%s\n" % (i, b"x" * 50) for i in range(3000)))
    items = records(data[: len(data) // 2])
    good = [item for item in items if isinstance(item, tuple)]
    assert len(good) > 100 and good[0] == (2, {"problem": "p0", "response": "x" * 50})
    [(_, reason)] = errors_of(items)
    assert reason == "the file is truncated (the compressed stream ends early)"


def test_corrupt_gzip_yields_the_records_before_the_damage_then_says_so():
    data = bytearray(gzipped(jsonl_bytes([{"i": i, "pad": f"{i * 7919}"} for i in range(20000)])))
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # zeros inside the deflate stream
    items = records(bytes(data))
    # Deflate finds the damage only at the end (the CRC), so what it decoded after the damage
    # may still parse; what came before it is intact, and the file's error is said.
    assert [record["i"] for _, record in items[:5000]] == list(range(5000))
    assert isinstance(items[-1], RecordError)
    assert items[-1].reason.startswith("the gzip data is corrupt (CRC check failed")

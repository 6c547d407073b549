"""Records come out the same whatever the read sizes, and memory stays flat on huge input."""

from __future__ import annotations

import io
import json
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.ingest.containers import base as containers
from curation.ingest.containers import read_records

TEXT = st.text(alphabet=st.sampled_from('ab "\\[]{},\n\tθ≥\u2028'), max_size=40)
ROWS = st.lists(
    st.dictionaries(st.sampled_from(["problem", "response", "x"]), TEXT, min_size=1),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, chunk=st.integers(1, 17))
def test_jsonl_records_do_not_depend_on_read_boundaries(rows, chunk):
    data = b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)
    assert [record for _, record in _with_chunk(data, chunk)] == rows


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, chunk=st.integers(1, 17), indent=st.sampled_from([None, 1]))
def test_json_array_records_do_not_depend_on_read_boundaries(rows, chunk, indent):
    data = json.dumps(rows, ensure_ascii=False, indent=indent).encode()
    assert [record for _, record in _with_chunk(data, chunk)] == rows


def _with_chunk(data: bytes, chunk: int) -> list:
    # hypothesis and function-scoped fixtures do not mix: patch by hand.
    saved = containers.CHUNK_SIZE, containers.SNIFF_SIZE
    containers.CHUNK_SIZE = containers.SNIFF_SIZE = chunk
    try:
        return list(read_records(io.BytesIO(data)))
    finally:
        containers.CHUNK_SIZE, containers.SNIFF_SIZE = saved


class Endless(io.RawIOBase):
    """``prefix``, ``size`` filler bytes made on the fly, then ``suffix``: never all in memory."""

    def __init__(self, prefix: bytes, size: int, suffix: bytes):
        self._parts = [io.BytesIO(prefix)]
        self._filler_left = size
        self._suffix = io.BytesIO(suffix)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._parts[0].readinto(buffer)
        if count:
            return count
        if self._filler_left:
            count = min(len(buffer), self._filler_left)
            buffer[:count] = b"x" * count
            self._filler_left -= count
            return count
        return self._suffix.readinto(buffer)


def peak_bytes_while_reading(stream, max_record_bytes: int) -> tuple[list, int]:
    tracemalloc.start()
    try:
        items = list(read_records(stream, max_record_bytes=max_record_bytes))
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_200_mb_jsonl_line_is_skipped_in_flat_memory():
    stream = Endless(b'{"a": 1}\n{"big": "', 200 * 2**20, b'"}\n{"a": 3}\n')
    items, peak = peak_bytes_while_reading(stream, max_record_bytes=4 * 2**20)
    assert items[0] == (1, {"a": 1}) and items[2] == (3, {"a": 3})
    assert items[1].location == 2
    assert peak < 16 * 2**20


def test_a_200_mb_json_array_element_is_skipped_in_flat_memory():
    stream = Endless(b'[{"a": 1}, {"big": "', 200 * 2**20, b'"}, {"a": 3}]')
    items, peak = peak_bytes_while_reading(stream, max_record_bytes=4 * 2**20)
    assert items[0] == (1, {"a": 1}) and items[2] == (3, {"a": 3})
    assert items[1].location == 2
    assert peak < 16 * 2**20


def test_memory_does_not_grow_with_the_number_of_array_elements():
    element = b'{"reasoning": "' + b"y" * 20_000 + b'"}'
    stream = Endless(b"[" + element, 0, b"".join(b"," + element for _ in range(3000)) + b"]")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records(stream))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3001
    assert peak < 8 * 2**20  # the 60 MB of elements are never held at once

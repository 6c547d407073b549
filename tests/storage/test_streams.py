"""Stored files read as bounded streams: on S3 by ranged GETs, never copied whole first."""

from __future__ import annotations

import io
import os
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from curation.services.streams import open_stream

pytestmark = pytest.mark.django_db

DATA = os.urandom(3 << 20)  # 3 MiB: several 1 MiB buffers


@pytest.fixture
def stored(s3_storages) -> str:
    return storages["datasets"].save("v1/data.bin", ContentFile(DATA))


def test_an_s3_object_reads_whole_and_equal(stored):
    with open_stream(storages["datasets"], stored) as stream:
        assert stream.read() == DATA


def test_a_seek_reads_from_there(stored):
    with open_stream(storages["datasets"], stored) as stream:
        stream.seek(2_000_000)
        assert stream.read(10) == DATA[2_000_000:2_000_010]
        stream.seek(-5, io.SEEK_END)
        assert stream.read() == DATA[-5:]
        stream.seek(7)
        assert stream.read(3) == DATA[7:10] and stream.tell() == 10


def test_lines_iterate_as_from_a_local_file(s3_storages):
    name = storages["default"].save("imports/a.jsonl", ContentFile(b'{"a": 1}\n{"a": 2}\n'))

    with open_stream(storages["default"], name) as stream:
        assert list(stream) == [b'{"a": 1}\n', b'{"a": 2}\n']


def test_reading_a_large_object_holds_a_bounded_buffer(s3_storages):
    big = os.urandom(1 << 20) * 24  # 24 MiB
    name = storages["datasets"].save("v1/big.bin", ContentFile(big))
    del big

    tracemalloc.start()
    try:
        total = 0
        with open_stream(storages["datasets"], name) as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert total == 24 << 20
    assert peak < 6 << 20  # a few 1 MiB blocks, not the 24 MiB object


def test_a_local_storage_opens_its_own_file(datasets_root):
    name = storages["datasets"].save("v1/x.txt", ContentFile(b"local"))

    with open_stream(storages["datasets"], name) as stream:
        assert stream.read() == b"local" and stream.fileno() >= 0  # sendfile still possible

"""Ingest tests are pure Python: no database, no Django settings, no Celery."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from curation.ingest.containers import read_records
from curation.ingest.pipeline import parse_stream
from curation.traces.records import RecordError, TraceRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture(autouse=True)
def eager_celery():
    """Overrides the project-wide autouse fixture, which needs Django settings."""
    yield None


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def records(data: bytes, **kwargs) -> list:
    """Everything ``read_records`` yields for ``data``."""
    return list(read_records(io.BytesIO(data), **kwargs))


def parse(data: bytes, **kwargs) -> tuple[str, list]:
    """(preset, items) of ``parse_stream`` over ``data``."""
    parsed = parse_stream(io.BytesIO(data), **kwargs)
    return parsed.preset, list(parsed)


def traces(data: bytes, **kwargs) -> list[TraceRecord]:
    """The traces of ``data``; fails the test if any record was refused."""
    _, items = parse(data, **kwargs)
    errors = [item for _, item in items if isinstance(item, RecordError)]
    assert not errors, errors
    return [item for _, item in items]


def errors_of(items: list) -> list[tuple[int, str]]:
    """(location, reason) of every error among ``read_records`` or ``parse_stream`` items."""
    found = []
    for item in items:
        if isinstance(item, tuple):
            item = item[1]
        if isinstance(item, RecordError):
            found.append((item.location, item.reason))
    return found


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def field_text(trace: TraceRecord, span) -> str:
    return getattr(trace, trace.steps_field)[span.start : span.end]

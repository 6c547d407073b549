"""Bounded work for imports (issue 12): the preview stops within its byte and time budget and
says so, imports refuse files past their decompressed-bytes and records caps with a clear
message, and uploads above the size limit are refused in the browser, the API and the CLI."""
from __future__ import annotations

import gzip
import io
import json
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from curation.ingest.budget import LimitExceeded, Limits
from curation.ingest.pipeline import parse_stream, preview
from curation.models import ApiToken, ImportJob, Trace
from curation.services.imports import create_import_job, preview_import, run_import
from curation.services.people import tokens
from tests.factories import generation_record

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024


def gzip_bomb(decompressed: int, *, prefix: bytes = b'{"problem": "') -> bytes:
    """One JSONL record that never ends: ``decompressed`` bytes, a few hundred kB compressed.
    Written streaming, a MiB at a time, so the test never holds the expanded data."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packer:
        packer.write(prefix)
        zeros = b"0" * MiB
        for _ in range(decompressed // MiB):
            packer.write(zeros)
    return out.getvalue()


def tiny_records(count: int) -> bytes:
    line = json.dumps(generation_record(1)).encode() + b"\n"
    return gzip.compress(line * count, compresslevel=9)


@pytest.fixture
def limits(settings):
    settings.STEPWISE_PREVIEW_MAX_BYTES = 4 * MiB
    settings.STEPWISE_PREVIEW_SECONDS = 5
    settings.STEPWISE_MAX_DECOMPRESSED_BYTES = 16 * MiB
    settings.STEPWISE_MAX_RECORDS = 1000
    settings.STEPWISE_MAX_UPLOAD_BYTES = 64 * 1024
    return settings


# --- the preview ------------------------------------------------------------------------------

def test_a_gzip_bomb_stops_the_preview_at_its_byte_budget(limits, project, media_root):
    bomb = gzip_bomb(25 * MiB)
    assert len(bomb) < 200 * 1024  # small on the wire, 25 MiB inside
    job = create_import_job(project=project, upload=io.BytesIO(bomb), upload_name="bomb.jsonl.gz")

    started = time.monotonic()
    result = preview_import(job)

    assert time.monotonic() - started < 5
    assert "more than 4 MiB of data once decompressed" in result["stopped"]
    assert result["records"] == []


def test_the_preview_page_says_it_stopped_early(client, limits, lead, project, media_root):
    client.force_login(lead)
    job = create_import_job(
        project=project, upload=io.BytesIO(gzip_bomb(25 * MiB)), upload_name="bomb.jsonl.gz",
        status=ImportJob.Status.STAGED,
    )

    body = client.get(reverse("import-preview", args=[project.slug, job.pk])).content.decode()

    assert 'id="preview-stopped"' in body
    assert "4 MiB" in body


def test_the_preview_keeps_the_records_it_read_before_the_budget(limits):
    records = b"".join(json.dumps(generation_record(n)).encode() + b"\n" for n in range(3))
    data = records + b'{"problem": "' + b"0" * (8 * MiB)

    result = preview(io.BytesIO(data), limits=Limits(max_bytes=4 * MiB))

    assert result.preset == "generation"
    assert len(result.records) == 3
    assert "4 MiB" in result.stopped


def test_the_preview_stops_at_its_time_budget(monkeypatch):
    from curation.ingest import budget

    clock = iter(range(0, 10_000, 10))  # every look at the clock is ten seconds later
    monkeypatch.setattr(budget.time, "monotonic", lambda: next(clock))

    result = preview(io.BytesIO(gzip_bomb(4 * MiB)), limits=Limits(seconds=5))

    assert result.stopped == "reading took longer than 5 s"


def test_a_preview_within_budget_says_nothing_of_limits(limits, project, media_root):
    data = json.dumps(generation_record(1)).encode() + b"\n"
    job = create_import_job(project=project, upload=io.BytesIO(data), upload_name="a.jsonl")

    assert preview_import(job)["stopped"] is None


# --- the import caps ---------------------------------------------------------------------------

def test_an_import_past_the_decompressed_cap_fails_saying_so(limits, project, media_root):
    job = create_import_job(project=project, upload=io.BytesIO(gzip_bomb(25 * MiB)), upload_name="b.gz")

    run_import(job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "more than 16 MiB of data once decompressed" in job.message
    assert "STEPWISE_MAX_DECOMPRESSED_BYTES" in job.message


def test_an_import_past_the_records_cap_fails_and_keeps_the_batches_before_it(
    limits, project, media_root
):
    limits.STEPWISE_IMPORT_BATCH_SIZE = 100
    lines = b"".join(json.dumps(generation_record(n)).encode() + b"\n" for n in range(1, 1501))
    job = create_import_job(project=project, upload=io.BytesIO(gzip.compress(lines)), upload_name="m.gz")

    run_import(job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "more than 1,000 records" in job.message
    assert Trace.objects.count() == job.traces_created == 1000
    assert "1000 traces saved before that point are kept" in job.message


def test_an_atomic_import_past_the_records_cap_keeps_nothing(limits, project, media_root):
    job = create_import_job(
        project=project, upload=io.BytesIO(tiny_records(5000)), upload_name="m.gz", atomic=True
    )

    run_import(job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Nothing was imported" in job.message
    assert not Trace.objects.exists()


def test_millions_of_tiny_records_are_refused_early_not_read_to_the_end():
    # 4.7 million one-line records in a small gzip: the cap stops the reading at once.
    line = b'{"problem": "p", "output": "<think>r</think>a"}\n'
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = line * 100_000
    data = b"".join(packer.compress(chunk) for _ in range(47)) + packer.flush()
    assert len(data) < 1024 * 1024
    parsed = parse_stream(io.BytesIO(data), limits=Limits(max_records=10_000))

    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="more than 10,000 records"):
        for _ in parsed:
            pass
    assert time.monotonic() - started < 10  # the cap, not the file, decides the work


def test_imports_within_the_caps_are_untouched(limits, project, media_root):
    lines = b"".join(json.dumps(generation_record(n)).encode() + b"\n" for n in range(1, 11))
    job = create_import_job(project=project, upload=io.BytesIO(gzip.compress(lines)), upload_name="ok.gz")

    run_import(job)

    assert job.status == ImportJob.Status.DONE and job.traces_created == 10


# --- the upload size limit ---------------------------------------------------------------------

def _too_big() -> bytes:
    line = json.dumps(generation_record(1)).encode() + b"\n"
    return line * (70 * 1024 // len(line) + 1)  # a little over the 64 KiB limit


def test_the_browser_refuses_an_upload_above_the_limit(client, limits, lead, project, media_root):
    client.force_login(lead)

    response = client.post(
        reverse("import-list", args=[project.slug]),
        {"file": SimpleUploadedFile("big.jsonl", _too_big()), "preset": "auto"},
    )

    assert response.status_code == 200
    assert "uploads are limited to 64 KiB (STEPWISE_MAX_UPLOAD_BYTES)" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_api_refuses_an_upload_above_the_limit(limits, lead, project, media_root):
    client = APIClient()
    raw = tokens.create_token(user=lead, name="t", scope=ApiToken.Scope.WRITE)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = client.post(
        f"/api/v1/projects/{project.slug}/imports/",
        {"file": SimpleUploadedFile("big.jsonl", _too_big())},
        format="multipart",
    )

    assert response.status_code == 400
    message = response.json()["error"]["fields"]["file"][0]
    assert "uploads are limited to 64 KiB" in message
    assert not ImportJob.objects.exists()


def test_the_cli_refuses_an_upload_above_the_limit(limits, project, tmp_path, media_root):
    path = tmp_path / "big.jsonl"
    path.write_bytes(_too_big())

    with pytest.raises(CommandError, match=r"uploads are limited to 64 KiB \(STEPWISE_MAX_UPLOAD_BYTES\)"):
        call_command("import_traces", str(path), "--project", project.slug, "--enqueue")
    assert not ImportJob.objects.exists()


def test_uploads_at_the_limit_are_accepted(client, limits, lead, project, media_root):
    client.force_login(lead)
    data = json.dumps(generation_record(1)).encode() + b"\n"

    response = client.post(
        reverse("import-list", args=[project.slug]),
        {"file": SimpleUploadedFile("ok.jsonl", data), "preset": "auto"},
    )

    assert response.status_code == 302

"""Stored upload names are cut to a length every file system takes, keeping the extensions
(issue 12: a 250-character name raised "OSError: File name too long")."""
from __future__ import annotations

import io
import json

import pytest

from curation.models import short_file_name
from curation.services.imports import create_import_job, run_import
from tests.factories import generation_record


def test_a_short_name_is_kept_as_it_is():
    assert short_file_name("traces.jsonl.gz") == "traces.jsonl.gz"


def test_a_long_name_is_cut_keeping_both_extensions():
    name = short_file_name("a" * 250 + ".jsonl.gz")

    assert name.endswith("a.jsonl.gz")
    assert len(name.encode()) <= 150


def test_a_long_multibyte_name_is_cut_on_a_character_boundary():
    name = short_file_name("é" * 200 + ".parquet")

    assert name.endswith(".parquet")
    assert len(name.encode()) <= 150
    name.encode().decode()  # still valid UTF-8: no half character


def test_a_dotted_long_name_keeps_only_short_extensions():
    name = short_file_name("run.2025-06-01." + "x" * 240 + ".jsonl")

    assert name.endswith(".jsonl") and len(name.encode()) <= 150


@pytest.mark.django_db
def test_a_250_character_upload_name_is_stored_and_imported(project, media_root):
    long_name = "t" * 244 + ".jsonl"  # 250 characters, as in the report
    data = json.dumps(generation_record(1)).encode() + b"\n"

    job = create_import_job(project=project, upload=io.BytesIO(data), upload_name=long_name)
    run_import(job)

    assert job.original_name == long_name  # people still see the name they uploaded
    assert job.file.name.endswith(".jsonl") and len(job.file.name.rsplit("/", 1)[1]) <= 150
    assert job.status == "done" and job.traces_created == 1


@pytest.mark.django_db
def test_a_name_too_long_for_its_column_keeps_its_extension(project, media_root):
    data = json.dumps(generation_record(1)).encode() + b"\n"

    job = create_import_job(project=project, upload=io.BytesIO(data), upload_name="v" * 400 + ".jsonl.gz")

    assert len(job.original_name) <= 255 and job.original_name.endswith(".jsonl.gz")
    assert job.file.name.endswith(".jsonl.gz")


@pytest.mark.django_db
def test_two_long_names_alike_are_both_stored(project, media_root):
    data = json.dumps(generation_record(1)).encode() + b"\n"
    first = create_import_job(project=project, upload=io.BytesIO(data), upload_name="u" * 250 + ".jsonl")
    second = create_import_job(project=project, upload=io.BytesIO(data), upload_name="u" * 250 + ".jsonl")

    assert first.file.name != second.file.name
    assert second.file.name.endswith(".jsonl")

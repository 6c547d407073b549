"""Uploads, versions and downloads on S3-compatible object storage (moto's server on loopback):
a file uploaded through the API lands in the bucket and is imported from there, a build
publishes into the bucket, and the API serves a byte range of an artifact straight from it."""

from __future__ import annotations

import io
import json

import pytest

from curation.models import DatasetVersion, ImportJob, Trace
from curation.services.datasets.build import build_version, start_build
from curation.services.datasets.spec import BuildSpec
from tests.factories import processbench_record

IMPORTS = "/api/v1/projects/alpha/imports/"


@pytest.fixture
def imported(lead_writer, s3_storages, django_capture_on_commit_callbacks) -> ImportJob:
    lines = "".join(json.dumps(processbench_record(n)) + "\n" for n in range(1, 6))
    upload = io.BytesIO(lines.encode())
    upload.name = "traces.jsonl"
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_writer.post(IMPORTS, {"file": upload})
    assert response.status_code == 202
    return ImportJob.objects.get(pk=response.json()["id"])


def keys(s3_storages, prefix: str) -> list[str]:
    client, bucket = s3_storages
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_an_upload_is_kept_in_the_bucket_and_imported_from_it(imported, s3_storages):
    assert keys(s3_storages, "uploads/") == [f"uploads/{imported.file.name}"]
    assert imported.status == ImportJob.Status.DONE
    assert Trace.objects.filter(import_job=imported).count() == 5


def test_a_version_built_from_it_is_published_into_the_bucket(imported, dataset, s3_storages):
    version = build_version(start_build(dataset=dataset, spec=BuildSpec()))

    assert version.status == DatasetVersion.Status.PUBLISHED
    stored = keys(s3_storages, f"datasets/{version.path}/")
    expected = [f"datasets/{version.path}/{name}" for name in version.manifest["files"]]
    assert set(expected) <= set(stored)
    assert f"datasets/{version.path}/manifest.json" in stored


def test_the_api_serves_a_byte_range_of_an_artifact_from_the_bucket(
    imported, dataset, s3_storages, lead_client
):
    client, bucket = s3_storages
    version = build_version(start_build(dataset=dataset, spec=BuildSpec()))
    name = next(name for name in version.manifest["files"] if name.endswith(".jsonl"))
    whole = client.get_object(Bucket=bucket, Key=f"datasets/{version.path}/{name}")["Body"].read()
    url = f"/api/v1/projects/alpha/datasets/{dataset.name}/versions/{version.number}/files/{name}"

    ranged = lead_client.get(url, HTTP_RANGE="bytes=10-99")
    full = lead_client.get(url)

    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 10-99/{len(whole)}"
    assert b"".join(ranged.streaming_content) == whole[10:100]
    assert full.status_code == 200 and b"".join(full.streaming_content) == whole

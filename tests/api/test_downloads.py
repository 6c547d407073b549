"""Downloads: the bytes of the manifest, with validators, ranges for resuming, and 304/416."""

from __future__ import annotations

import base64
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.storage import storages

from curation.models import DatasetVersion
from curation.http.downloads import RangeNotSatisfiable, parse_range
from tests.api.conftest import file_url, streamed

DATA = "srl/data/train-00000-of-00001.jsonl"


def stored_bytes(version: DatasetVersion, path: str = DATA) -> bytes:
    return Path(storages["datasets"].path(f"{version.path}/{path}")).read_bytes()


def test_a_download_is_the_stored_file(lead_client, version):
    response = lead_client.get(file_url(version, DATA))

    assert response.status_code == 200
    assert streamed(response) == stored_bytes(version)


def test_a_download_carries_the_manifests_checksum(lead_client, version):
    sha256 = version.manifest["files"][DATA]["sha256"]

    response = lead_client.get(file_url(version, DATA))

    assert response["ETag"] == f'"{sha256}"'
    assert response["X-Checksum-SHA256"] == sha256
    assert response["Digest"] == "sha-256=" + base64.b64encode(bytes.fromhex(sha256)).decode()
    assert (
        response["Repr-Digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    )


def test_a_download_says_its_length_date_and_that_it_accepts_ranges(lead_client, version):
    response = lead_client.get(file_url(version, DATA))

    assert int(response["Content-Length"]) == version.manifest["files"][DATA]["size"]
    assert response["Accept-Ranges"] == "bytes"
    assert response["Last-Modified"].endswith("GMT")


def test_a_range_request_resumes_where_the_client_stopped(lead_client, version):
    whole = stored_bytes(version)

    response = lead_client.get(file_url(version, DATA), HTTP_RANGE="bytes=100-")

    assert response.status_code == 206
    assert streamed(response) == whole[100:]
    assert response["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert int(response["Content-Length"]) == len(whole) - 100


def test_a_closed_range_gives_exactly_those_bytes(lead_client, version):
    response = lead_client.get(file_url(version, DATA), HTTP_RANGE="bytes=10-19")

    assert streamed(response) == stored_bytes(version)[10:20]


def test_a_resume_against_a_stale_etag_sends_the_whole_file(lead_client, version):
    response = lead_client.get(
        file_url(version, DATA), HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"0000"'
    )

    assert response.status_code == 200
    assert streamed(response) == stored_bytes(version)


def test_a_resume_with_the_current_etag_is_honoured(lead_client, version):
    etag = f'"{version.manifest["files"][DATA]["sha256"]}"'

    response = lead_client.get(file_url(version, DATA), HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=etag)

    assert response.status_code == 206


def test_a_range_past_the_end_answers_416(lead_client, version):
    size = version.manifest["files"][DATA]["size"]

    response = lead_client.get(file_url(version, DATA), HTTP_RANGE=f"bytes={size}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_a_current_etag_answers_304(lead_client, version):
    etag = f'"{version.manifest["files"][DATA]["sha256"]}"'

    response = lead_client.get(file_url(version, DATA), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_head_gives_the_headers_without_the_body(lead_client, version):
    response = lead_client.head(file_url(version, DATA))

    assert response.status_code == 200
    assert int(response["Content-Length"]) == version.manifest["files"][DATA]["size"]
    assert response.content == b""


def test_asking_for_octet_stream_is_not_refused(lead_client, version):
    response = lead_client.get(file_url(version, DATA), HTTP_ACCEPT="application/octet-stream")

    assert response.status_code == 200


def test_a_path_outside_the_manifest_is_404(lead_client, version):
    response = lead_client.get(file_url(version, "../../../../etc/passwd"))

    assert response.status_code == 404


def test_files_of_an_unpublished_version_are_404(lead_client, dataset):
    building = DatasetVersion.objects.create(
        dataset=dataset,
        number=1,
        path="alpha/gsm-steps/v1",
        manifest={"files": {DATA: {"sha256": "0" * 64, "size": 1}}},
    )

    assert lead_client.get(file_url(building, DATA)).status_code == 404


def test_streaming_a_large_file_holds_memory_constant(lead_client, version, datasets_root):
    """20 MB through the view: the peak allocation stays near one read block, not the file."""
    big = 20 * 2**20
    path = "srl/data/big.bin"
    (datasets_root / version.path / path).write_bytes(b"x" * big)
    manifest = {
        **version.manifest,
        "files": {**version.manifest["files"], path: {"sha256": "0" * 64, "size": big}},
    }
    DatasetVersion.objects.filter(pk=version.pk).update(manifest=manifest)
    version.refresh_from_db()
    response = lead_client.get(file_url(version, path))

    tracemalloc.start()
    received = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert received == big
    assert peak < 4 * 2**20


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-", (0, 100)),
        ("bytes=10-19", (10, 20)),
        ("bytes=-30", (70, 100)),
        ("bytes=90-500", (90, 100)),
        ("bytes=-500", (0, 100)),
        ("bytes=1-2,5-6", None),
        ("items=0-1", None),
        ("bytes=5-2", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=200-300"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)

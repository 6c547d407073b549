"""The API's root, its manifest download and its path parameters' names (issue 13)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.storage import storages
from rest_framework.test import APIClient

from curation.models import ApiToken
from tests.api.conftest import file_url, streamed

# Every path parameter names its resource: <resource>_<key>.
PATH_PARAMETERS = {
    "project_slug", "dataset_name", "version_number", "file_path", "trace_id", "import_id",
    "job_id", "delivery_id", "model_id", "endpoint_id", "segmentation_id",
}


def test_the_api_root_is_an_index_of_links(db):
    response = APIClient().get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["projects"] == "http://testserver/api/v1/projects/"
    assert body["training_jobs"] == "http://testserver/api/v1/training-jobs/"
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"
    assert body["paths"]["versions"].endswith("/datasets/{dataset_name}/versions/")
    assert body["paths"]["segmenter_models"] == "/api/v1/projects/{project_slug}/segmenter-models/"


def test_an_unknown_api_path_is_still_a_json_404(db):
    response = APIClient().get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_manifest_downloads_with_its_checksum(lead_client, version):
    stored = Path(storages["datasets"].path(f"{version.path}/manifest.json")).read_bytes()
    sha256 = hashlib.sha256(stored).hexdigest()

    response = lead_client.get(file_url(version, "manifest.json"))

    assert response.status_code == 200
    assert streamed(response) == stored
    assert response["ETag"] == f'"{sha256}"'
    assert response["X-Checksum-SHA256"] == sha256
    assert int(response["Content-Length"]) == len(stored)


def test_the_manifest_answers_304_to_its_etag(lead_client, version):
    etag = lead_client.get(file_url(version, "manifest.json"))["ETag"]

    response = lead_client.get(file_url(version, "manifest.json"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_path_parameters_are_named_for_their_resource_everywhere(db):
    schema = APIClient().get("/api/schema/?format=json").json()

    names = {
        parameter["name"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    templated = {
        segment[1:-1] for path in schema["paths"] for segment in path.split("/")
        if segment.startswith("{")
    }
    assert names == templated == PATH_PARAMETERS


def test_token_scopes_say_what_they_allow(db):
    labels = dict(ApiToken.Scope.choices)

    assert labels["read"] == "Read datasets, traces and jobs (read only)"
    assert labels["write"] == "Read datasets and traces, write imports and training jobs"
    assert ApiToken.Scope.values == ["read", "write"]  # stored values unchanged

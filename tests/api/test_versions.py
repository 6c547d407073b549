"""Projects, datasets and versions: lists, detail with stats and checksums, the latest one."""

from __future__ import annotations

from curation.models import DatasetVersion
from tests.api.conftest import publish_version, versions_url


def test_a_dataset_lists_with_its_latest_published_version(lead_client, version):
    response = lead_client.get("/api/v1/projects/alpha/datasets/")

    assert response.json()["results"] == [
        {
            "project": "alpha",
            "name": "gsm-steps",
            "description": "",
            "license": "mit",
            "created_at": response.json()["results"][0]["created_at"],
            "latest_version": 1,
        }
    ]


def test_versions_list_newest_first(lead_client, dataset):
    publish_version(dataset, 1)
    publish_version(dataset, 2)

    response = lead_client.get(versions_url())

    assert [v["number"] for v in response.json()["results"]] == [2, 1]


def test_versions_filter_by_status(lead_client, dataset, version):
    DatasetVersion.objects.create(dataset=dataset, number=2, path="alpha/gsm-steps/v2")

    response = lead_client.get(versions_url(), {"status": "published"})

    assert [v["number"] for v in response.json()["results"]] == [1]


def test_an_unknown_status_filter_is_a_400_naming_the_parameter(lead_client, version):
    response = lead_client.get(versions_url(), {"status": "shipped"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_version_detail_lists_every_manifest_file_with_its_checksum(lead_client, version):
    body = lead_client.get(versions_url() + "1/").json()

    listed = {f["path"]: (f["size"], f["sha256"]) for f in body["files"]}
    manifest = {path: (e["size"], e["sha256"]) for path, e in version.manifest["files"].items()}
    assert listed == manifest


def test_version_detail_links_each_file_to_its_download(lead_client, version):
    body = lead_client.get(versions_url() + "1/").json()

    card = next(f for f in body["files"] if f["path"] == "README.md")
    assert (
        card["url"]
        == "http://testserver/api/v1/projects/alpha/datasets/gsm-steps/versions/1/files/README.md"
    )


def test_version_detail_carries_the_build_stats(lead_client, version):
    stats = lead_client.get(versions_url() + "1/").json()["stats"]

    assert stats["formats"] == ["srl", "prm"]
    assert sum(stats["traces"].values()) == 6
    assert stats["rows"] == version.manifest["rows"]


def test_latest_is_the_highest_published_version(lead_client, dataset):
    publish_version(dataset, 1)
    publish_version(dataset, 2)
    DatasetVersion.objects.create(
        dataset=dataset, number=3, path="alpha/gsm-steps/v3"
    )  # still building

    assert lead_client.get(versions_url() + "latest/").json()["number"] == 2


def test_latest_of_a_dataset_without_published_versions_is_404(lead_client, dataset):
    response = lead_client.get(versions_url() + "latest/")

    assert response.status_code == 404


def test_a_building_version_has_no_files(lead_client, dataset):
    DatasetVersion.objects.create(dataset=dataset, number=1, path="alpha/gsm-steps/v1")

    body = lead_client.get(versions_url() + "1/").json()

    assert (body["status"], body["files"], body["stats"]) == ("building", [], None)


def test_lists_are_paginated(lead_client, dataset):
    for number in (1, 2, 3):
        DatasetVersion.objects.create(dataset=dataset, number=number, path=f"x/v{number}")

    body = lead_client.get(versions_url(), {"page_size": 2}).json()

    assert (body["count"], len(body["results"]), body["next"] is not None) == (3, 2, True)

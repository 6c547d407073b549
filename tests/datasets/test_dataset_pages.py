"""The dataset pages in the browser's shoes: datasets, builder, versions, files, diff, access."""
from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from curation.models import Dataset, DatasetVersion
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

BUILD_FORM = {"source": "auto", "ratings": "all", "labels": "plus-one",
              "formats": ["srl", "prm", "sft", "steps"], "containers": ["jsonl"]}


def url(name: str, dataset, *args) -> str:
    return reverse(name, args=[dataset.project.slug, dataset.name, *args])


@pytest.fixture
def version(dataset, auto_traces):
    return build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))


def test_a_lead_creates_a_dataset(client, lead, project):
    client.force_login(lead)

    response = client.post(reverse("dataset-list", args=[project.slug]),
                           {"name": "math-srl", "license": "mit", "srl_system_prompt": "Be brief."})

    dataset = Dataset.objects.get()
    assert response.status_code == 302 and dataset.name == "math-srl"
    assert dataset.srl_system_prompt == "Be brief."


def test_an_annotator_cannot_create_a_dataset(client, annotator, project):
    client.force_login(annotator)

    response = client.post(reverse("dataset-list", args=[project.slug]),
                           {"name": "x", "license": "mit"})

    assert response.status_code == 404 and not Dataset.objects.exists()


def test_the_builder_counts_traces_and_rows_live(client, lead, dataset, auto_traces):
    client.force_login(lead)

    body = client.post(url("dataset-counts", dataset), BUILD_FORM).content.decode()

    assert 'id="count-traces">5<' in body
    assert 'id="count-srl">15<' in body and 'id="count-prm">5<' in body


def test_the_builder_counts_follow_the_filters(client, lead, dataset, auto_traces):
    client.force_login(lead)

    form = {**BUILD_FORM, "source": "approved"}

    body = client.post(url("dataset-counts", dataset), form).content.decode()

    assert 'id="count-traces">0<' in body


def test_the_builder_names_an_invalid_choice(client, lead, dataset, auto_traces):
    client.force_login(lead)

    body = client.post(url("dataset-counts", dataset),
                       {**BUILD_FORM, "min_steps": "5", "max_steps": "2"}).content.decode()

    assert "min_steps (5) is above max_steps (2)" in body


def test_the_builder_previews_the_first_rows_of_each_format(client, lead, dataset, auto_traces):
    client.force_login(lead)

    body = client.post(url("dataset-preview", dataset), BUILD_FORM).content.decode()

    for fmt in ("srl", "prm", "sft", "steps"):
        assert f"<h4>{fmt} " in body and f'data-format-tab="{fmt}"' in body
    assert "&quot;expert_step&quot;: &quot;1. **Read** We have x + 1 = 3.&quot;" in body


def test_the_preview_escapes_hostile_trace_text(client, lead, dataset, project):
    add_segmentation(add_trace(project, 1, problem="<script>alert(1)</script>"))
    client.force_login(lead)

    body = client.post(url("dataset-preview", dataset), BUILD_FORM).content.decode()

    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_build_starts_a_version_and_shows_its_page(client, lead, dataset, auto_traces):
    client.force_login(lead)

    response = client.post(url("dataset-builder", dataset), BUILD_FORM)

    version = DatasetVersion.objects.get()
    assert response.status_code == 302 and response.url == url("dataset-version", dataset, 1)
    assert version.created_by == lead
    assert version.status == DatasetVersion.Status.PUBLISHED  # the eager task ran


def test_progress_polls_while_building(client, lead, dataset, auto_traces):
    version = start_build(dataset=dataset, spec=BuildSpec(source="auto"))
    client.force_login(lead)

    body = client.get(url("dataset-version-progress", dataset, version.number)).content.decode()

    assert 'hx-trigger="every 1s"' in body and "0 / 5 traces" in body


def test_progress_reloads_the_page_once_published(client, lead, version):
    client.force_login(lead)

    response = client.get(url("dataset-version-progress", version.dataset, version.number),
                          HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()


def test_the_version_page_lists_files_with_size_and_sha256(client, annotator, version):
    client.force_login(annotator)

    body = client.get(url("dataset-version", version.dataset, version.number)).content.decode()

    entry = version.manifest["files"]["srl/data/train-00000-of-00001.jsonl"]
    assert entry["sha256"] in body
    assert "srl/data/train-00000-of-00001.jsonl" in body and "Dataset card" in body


def test_a_member_downloads_a_file_of_a_version(client, annotator, version):
    client.force_login(annotator)
    path = "srl/data/train-00000-of-00001.parquet"

    response = client.get(url("dataset-file", version.dataset, version.number, path))

    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == version.manifest["files"][path]["sha256"]
    assert "attachment" in response["Content-Disposition"]


def test_a_file_outside_the_manifest_is_not_served(client, annotator, version):
    client.force_login(annotator)

    outside = "../../../etc/passwd"

    response = client.get(url("dataset-file", version.dataset, version.number, outside))

    assert response.status_code == 404


def test_the_diff_page_counts_the_changes(client, annotator, dataset, version):
    add_segmentation(add_trace(dataset.project, 77))
    build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))
    client.force_login(annotator)

    body = client.get(url("dataset-diff", dataset), {"old": 1, "new": 2}).content.decode()

    assert "Traces added</th><td class=\"num\">1<" in body


def test_the_diff_page_shows_who_cut_a_trace_before_and_after(client, annotator, dataset, version,
                                                              auto_traces):
    add_segmentation(auto_traces[0], origin="human", author=annotator)
    build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))
    client.force_login(annotator)

    body = client.get(url("dataset-diff", dataset), {"old": 1, "new": 2}).content.decode()

    assert "r1 by auto:solution · 3 steps" in body and "r1 by anna · 3 steps" in body


def test_the_project_page_links_to_its_datasets(client, annotator, project):
    client.force_login(annotator)

    body = client.get(reverse("project-detail", args=[project.slug])).content.decode()

    assert reverse("dataset-list", args=[project.slug]) in body


@pytest.mark.parametrize("name,extra", [
    ("dataset-detail", ()), ("dataset-builder", ()), ("dataset-version", (1,)),
    ("dataset-version-progress", (1,)), ("dataset-file", (1, "manifest.json")),
    ("dataset-diff", ()),
])
def test_non_members_get_404_everywhere(client, outsider, version, name, extra):
    client.force_login(outsider)

    response = client.get(url(name, version.dataset, *extra), {"old": 1, "new": 1})

    assert response.status_code == 404


def test_non_members_get_404_on_the_dataset_list(client, outsider, project):
    client.force_login(outsider)

    assert client.get(reverse("dataset-list", args=[project.slug])).status_code == 404


@pytest.mark.parametrize("name", ["dataset-builder", "dataset-counts", "dataset-preview"])
def test_annotators_cannot_build(client, annotator, dataset, name):
    client.force_login(annotator)

    assert client.post(url(name, dataset), BUILD_FORM).status_code == 404
    assert not DatasetVersion.objects.exists()


def test_the_builder_offers_the_project_s_teachers_step_types_and_people(client, lead, dataset,
                                                                         auto_traces, annotator):
    client.force_login(lead)

    body = client.get(url("dataset-builder", dataset)).content.decode()

    assert 'value="teacher-x"' in body and 'value="verify"' in body
    assert '<option value="anna">anna</option>' in body
    assert "Build version 1" in body


def test_a_lead_edits_the_dataset_s_srl_system_prompt(client, lead, dataset):
    client.force_login(lead)

    client.post(url("dataset-detail", dataset),
                {"description": "", "license": "mit", "srl_system_prompt": "Think in steps."})

    dataset.refresh_from_db()
    assert dataset.srl_system_prompt == "Think in steps."


def test_an_annotator_cannot_edit_dataset_settings(client, annotator, dataset):
    client.force_login(annotator)

    response = client.post(url("dataset-detail", dataset),
                           {"license": "mit", "srl_system_prompt": "Think in steps."})

    dataset.refresh_from_db()
    assert response.status_code == 404 and dataset.srl_system_prompt != "Think in steps."


def test_a_duplicate_dataset_name_is_refused(client, lead, dataset, project):
    client.force_login(lead)

    response = client.post(reverse("dataset-list", args=[project.slug]),
                           {"name": dataset.name, "license": "mit", "srl_system_prompt": "x"})

    assert response.status_code == 200 and Dataset.objects.count() == 1


def test_the_diff_form_offers_the_published_versions_to_choose(client, annotator, dataset, version):
    client.force_login(annotator)

    body = client.get(url("dataset-detail", dataset)).content.decode()

    assert '<select name="old"' in body and '<option value="1"' in body


def test_a_bad_version_number_gets_a_friendly_page_not_a_404(client, annotator, dataset, version):
    client.force_login(annotator)

    response = client.get(url("dataset-diff", dataset), {"old": 1, "new": "seven"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose two published versions" in body and '<select name="new"' in body


def test_the_diff_shows_the_build_settings_that_changed(
    client, annotator, dataset, version, auto_traces
):
    build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto", formats=("srl",))))
    client.force_login(annotator)

    body = client.get(url("dataset-diff", dataset), {"old": 1, "new": 2}).content.decode()

    assert 'id="diff-settings"' in body and "<th>formats</th>" in body
    assert "srl, prm, sft, steps" in body

"""The workbench in the API: create projects and datasets, read and change settings, filter traces."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from curation.models import Dataset, Membership, Project
from tests.factories import add_segmentation, add_trace


@pytest.fixture
def api(lead_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + lead_token)
    return client


def test_creating_a_project_makes_the_caller_its_lead(api, lead):
    response = api.post("/api/v1/projects/", {"name": "Proofs", "description": "d"}, format="json")
    assert response.status_code == 201 and response.json()["slug"] == "proofs"
    assert Membership.objects.get(project__slug="proofs", user=lead).role == "lead"


def test_a_taken_slug_is_a_400(api, project):
    response = api.post("/api/v1/projects/", {"name": "x", "slug": project.slug}, format="json")
    assert response.status_code == 400 and "slug" in response.json()["error"]["fields"]


def test_a_lead_creates_a_dataset(api, project):
    response = api.post("/api/v1/projects/alpha/datasets/", {"name": "gsm", "license": "mit"}, format="json")
    assert response.status_code == 201
    assert Dataset.objects.filter(project=project, name="gsm").exists()
    assert api.post("/api/v1/projects/alpha/datasets/", {"name": "gsm"}, format="json").status_code == 400


def test_settings_are_read_and_changed_with_the_forms_checks(api, project):
    assert api.get("/api/v1/projects/alpha/settings/").json()["overlap"] == 1
    response = api.patch("/api/v1/projects/alpha/settings/", {"overlap": 2, "guidelines": "# Hi"}, format="json")
    assert response.status_code == 200 and response.json()["overlap"] == 2
    bad = api.patch("/api/v1/projects/alpha/settings/",
                    {"segmentation": {"strategy": "paragraphs", "params": {"max_tokenz": 1}}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["segmentation"] == ["Unknown parameter(s) for paragraphs: max_tokenz."]
    project.refresh_from_db()
    assert project.overlap == 2 and project.segmentation["strategy"] == "auto"


def test_renaming_a_type_through_the_api_relabels_steps(api, project):
    seg = add_segmentation(add_trace(project, 1))
    seg.steps.update(type="plan")
    schema = [{**label, "key": "planning"} if label["key"] == "plan" else label for label in project.label_schema]
    response = api.patch("/api/v1/projects/alpha/settings/",
                         {"label_schema": schema, "relabel": {"plan": "planning"}}, format="json")
    assert response.status_code == 200
    assert set(seg.steps.values_list("type", flat=True)) == {"planning"}


def test_the_trace_list_takes_search_and_filters(api, project):
    a = add_trace(project, 1, problem="A circle of radius 2.", teacher="r1")
    add_trace(project, 2, teacher="qwq")
    found = api.get("/api/v1/projects/alpha/traces/", {"search": "circle"}).json()["results"]
    assert [t["id"] for t in found] == [a.pk]
    assert [t["id"] for t in api.get("/api/v1/projects/alpha/traces/", {"teacher": "r1"}).json()["results"]] == [a.pk]
    assert api.get("/api/v1/projects/alpha/traces/", {"status_response": "nope"}).status_code == 400


def test_archived_projects_leave_the_api_list(api, project):
    from curation.services.projects import archive_project

    archive_project(project)
    assert "alpha" not in [p["slug"] for p in api.get("/api/v1/projects/").json()["results"]]
    assert "alpha" in [p["slug"] for p in api.get("/api/v1/projects/", {"archived": "true"}).json()["results"]]
    assert Project.objects.filter(slug="alpha").exists()


def test_the_source_filter_compares_a_sources_field_as_text(api, project):
    wanted = add_trace(project, 1, source={"dataset": "gsm8k"})
    add_trace(project, 2, source={"dataset": "math"})
    found = api.get("/api/v1/projects/alpha/traces/", {"source": "dataset=gsm8k"}).json()["results"]
    assert [t["id"] for t in found] == [wanted.pk]
    assert api.get("/api/v1/projects/alpha/traces/", {"source": "0="}).status_code == 200

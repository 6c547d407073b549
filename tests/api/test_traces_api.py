"""Traces are read with their segmentations; a cursor pages through them."""

from __future__ import annotations

import pytest

from tests.factories import add_two_step_trace


@pytest.fixture
def traces(project):
    return [add_two_step_trace(project, n) for n in range(3)]


def test_a_trace_comes_with_its_segmentations_and_steps(lead_client, traces):
    body = lead_client.get(f"/api/v1/projects/alpha/traces/{traces[0].pk}/").json()

    steps = body["segmentations"][0]["steps"]
    assert [(s["start"], s["end"], s["rating"]) for s in steps] == [(0, 9, 1), (10, 19, None)]
    assert body["response"][steps[0]["start"] : steps[0]["end"]] == "Step one."


def test_traces_page_by_cursor(lead_client, traces):
    first = lead_client.get("/api/v1/projects/alpha/traces/", {"page_size": 2}).json()
    second = lead_client.get(first["next"]).json()

    ids = [t["id"] for t in first["results"] + second["results"]]
    assert ids == [t.pk for t in traces]


def test_traces_filter_by_kind(lead_client, project, traces):
    agent = add_two_step_trace(project, 99, kind="agent")

    body = lead_client.get("/api/v1/projects/alpha/traces/", {"kind": "agent"}).json()

    assert [t["id"] for t in body["results"]] == [agent.pk]


def test_a_trace_of_another_project_is_404(lead_client, other_project):
    theirs = add_two_step_trace(other_project, 1)

    assert lead_client.get(f"/api/v1/projects/alpha/traces/{theirs.pk}/").status_code == 404


def test_an_id_beyond_any_database_integer_is_404(lead_client, traces):
    response = lead_client.get(f"/api/v1/projects/alpha/traces/{10**30}/")

    assert response.status_code == 404

"""Traces are read with their segmentations; a cursor pages through them."""

from __future__ import annotations

import json

import pytest

from tests.factories import add_segmentation, add_two_step_trace


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


def test_steps_are_numbered_from_zero_in_order_whatever_positions_they_are_stored_at(lead_client, traces):
    from curation.models import Step

    segmentation = traces[0].segmentations.get()
    Step.objects.filter(segmentation=segmentation, position=0).update(end=4)
    Step.objects.filter(segmentation=segmentation, position=1).update(position=7.5)
    Step.objects.create(segmentation=segmentation, position=0.5, start=5, end=9)

    body = lead_client.get(f"/api/v1/projects/alpha/traces/{traces[0].pk}/").json()

    steps = body["segmentations"][0]["steps"]
    assert [(s["index"], s["start"]) for s in steps] == [(0, 0), (1, 5), (2, 10)]
    assert body == serialized(traces[0].pk)


# --- The hot path: rows and orjson, the serializer's shape, ETag by revision --------------------


def serialized(trace_pk: int) -> dict:
    """What DRF's serializer makes of the trace, through DRF's own JSON renderer."""
    from rest_framework.renderers import JSONRenderer

    from curation.api.serializers.traces import TraceSerializer
    from curation.models import Trace

    data = TraceSerializer(Trace.objects.get(pk=trace_pk)).data
    return json.loads(JSONRenderer().render(data))


def test_a_trace_reads_exactly_as_its_serializer_describes_it(lead_client, lead, traces):
    from curation.models import Trace

    trace = Trace.objects.get(pk=traces[1].pk)
    trace.source = {"dataset": "r1", "row": 7}
    trace.save(update_fields=["source"])
    add_segmentation(trace, origin="human", status="draft", author=lead, spans=[(0, 19)],
                     notes=["why"], strategy="")

    body = lead_client.get(f"/api/v1/projects/alpha/traces/{trace.pk}/").json()

    assert body == serialized(trace.pk)
    assert [s["author"] for s in body["segmentations"]] == [None, "lena"]


def test_a_page_of_traces_reads_as_the_serializer_describes_each(lead_client, traces):
    body = lead_client.get("/api/v1/projects/alpha/traces/", {"page_size": 2}).json()

    assert body["results"] == [serialized(t.pk) for t in traces[:2]]
    assert body["previous"] is None and "cursor=" in body["next"]


def test_an_unchanged_trace_answers_304_to_its_etag(lead_client, traces):
    url = f"/api/v1/projects/alpha/traces/{traces[0].pk}/"
    first = lead_client.get(url)

    again = lead_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_weak_form_of_the_etag_matches_too(lead_client, traces):
    url = f"/api/v1/projects/alpha/traces/{traces[0].pk}/"
    tag = lead_client.get(url)["ETag"]

    assert lead_client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{tag}').status_code == 304


def test_a_new_revision_changes_the_etag(lead_client, traces):
    from curation.models import Segmentation

    url = f"/api/v1/projects/alpha/traces/{traces[0].pk}/"
    tag = lead_client.get(url)["ETag"]
    Segmentation.objects.filter(trace=traces[0]).update(revision=2)

    response = lead_client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200 and response["ETag"] != tag


def test_a_new_segmentation_changes_the_etag(lead_client, traces):
    url = f"/api/v1/projects/alpha/traces/{traces[0].pk}/"
    tag = lead_client.get(url)["ETag"]
    add_segmentation(traces[0], spans=[(0, 19)])

    assert lead_client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_a_trace_without_segmentations_reads_with_an_empty_list(lead_client, project):
    from tests.factories import add_trace

    trace = add_trace(project, 5, text="Bare.", problem="P", content_hash="bare")

    response = lead_client.get(f"/api/v1/projects/alpha/traces/{trace.pk}/")

    assert response.status_code == 200 and response.json()["segmentations"] == []
    assert response["ETag"]


def test_the_etag_of_another_projects_trace_is_404_not_304(lead_client, other_project):
    theirs = add_two_step_trace(other_project, 1)

    response = lead_client.get(f"/api/v1/projects/alpha/traces/{theirs.pk}/", HTTP_IF_NONE_MATCH="*")

    assert response.status_code == 404

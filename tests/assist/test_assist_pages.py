"""The Assist page, its endpoints and jobs, the editor's proposals, and the API."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from curation.models import AssistJob, ModelEndpoint, StepProposal
from curation.services.annotation import claim_next
from tests.factories import add_segmentation, add_trace

from .fake_openai import text

pytestmark = pytest.mark.django_db


def _lead_client(client, lead):
    client.force_login(lead)
    return client


def test_an_added_key_is_stored_encrypted_and_never_shown_again(client, lead, project, fake_server, loopback_allowed):
    page = _lead_client(client, lead)
    response = page.post(reverse("assist-endpoint-add", args=["alpha"]), {
        "name": "local", "base_url": fake_server.base_url, "model": "m", "api_key": "sk-secret-123",
        "concurrency": 4, "timeout_seconds": 5, "max_retries": 0, "use_n": "on",
        "prompt_price_per_1k": "0", "completion_price_per_1k": "0"})
    assert response.status_code == 302
    endpoint = ModelEndpoint.objects.get()
    assert endpoint.api_key_encrypted and "sk-secret-123" not in endpoint.api_key_encrypted
    for url in (reverse("assist", args=["alpha"]), reverse("assist-endpoint", args=["alpha", endpoint.pk])):
        body = page.get(url).content.decode()
        assert "sk-secret-123" not in body and "a key is stored" in body.lower()
    check = page.post(reverse("assist-endpoint-try", args=["alpha", endpoint.pk])).content.decode()
    assert 'data-check="ok"' in check and fake_server.headers[0]["Authorization"] == "Bearer sk-secret-123"


def test_a_private_url_is_refused_when_the_operator_did_not_allow_it(client, lead, project):
    response = _lead_client(client, lead).post(reverse("assist-endpoint-add", args=["alpha"]), {
        "name": "lan", "base_url": "http://10.1.2.3:8000/v1", "model": "m", "concurrency": 4,
        "timeout_seconds": 5, "max_retries": 0, "prompt_price_per_1k": "0", "completion_price_per_1k": "0"})
    assert response.status_code == 422 and "STEPWISE_OUTBOUND_ALLOW" in response.content.decode()
    assert not ModelEndpoint.objects.exists()


def test_a_job_started_from_the_page_runs_and_shows_its_usage(client, lead, project, endpoint, fake_server):
    trace = add_trace(project, 1)
    add_segmentation(trace)
    fake_server.responder = lambda request: text("\\boxed{0}")
    page = _lead_client(client, lead)
    response = page.post(reverse("assist-job-start", args=["alpha"]), {
        "endpoint": endpoint.pk, "task": "critic", "selection": "ids", "trace_ids": str(trace.pk),
        "samples": 2, "max_tokens": 64})
    assert response.status_code == 302
    job = AssistJob.objects.get()
    body = page.get(reverse("assist-job-progress", args=["alpha", job.pk])).content.decode()
    assert job.status == "done" and "1/1 traces" in body and "1 requests" in body and "hx-get" not in body


def test_the_editor_shows_proposals_apart_and_accepts_one(client, lead, annotator, project, endpoint, fake_server):
    trace = add_trace(project, 1)
    add_segmentation(trace)
    fake_server.responder = lambda request: text("\\boxed{1}")
    from curation.services import assist

    assist.start_assist_job(project=project, endpoint=endpoint, task="critic", trace_ids=[trace.pk],
                            params={"samples": 1}, user=lead)
    assignment = claim_next(project=project, annotator=annotator)
    client.force_login(annotator)
    editor = client.get(reverse("annotate-editor", args=["alpha", assignment.pk])).content.decode()
    assert 'id="ws-proposals"' in editor and 'data-source="model"' in editor and "js/proposals.js" in editor
    proposal = StepProposal.objects.get(step_index=1)
    url = reverse("annotate-proposal", args=["alpha", assignment.pk, proposal.pk, "accept"])
    answer = client.post(url, {"revision": assignment.segmentation.revision}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and f'data-id="{proposal.pk}"' not in answer.content.decode()
    again = client.post(url, {"revision": assignment.segmentation.revision + 1}, HTTP_HX_REQUEST="true")
    assert again.status_code == 409


def test_the_api_creates_an_endpoint_starts_and_cancels_a_job(lead, lead_token, project, fake_server, loopback_allowed):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {lead_token}")
    created = api.post("/api/v1/projects/alpha/assist/endpoints/", {
        "name": "api", "base_url": fake_server.base_url, "model": "m", "api_key": "sk-x"}, format="json")
    assert created.status_code == 201 and "api_key" not in created.json() and created.json()["has_stored_key"]
    trace = add_trace(project, 1)
    add_segmentation(trace)
    started = api.post("/api/v1/projects/alpha/assist/jobs/", {
        "endpoint": created.json()["id"], "task": "critic", "trace_ids": [trace.pk], "samples": 1}, format="json")
    assert started.status_code == 202
    job = api.get(f"/api/v1/projects/alpha/assist/jobs/{started.json()['id']}/").json()
    assert job["status"] == "done" and job["requests"] == 1 and job["traces_done"] == 1
    cancelled = api.post(f"/api/v1/projects/alpha/assist/jobs/{job['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "done"


def test_the_api_refuses_a_trace_of_another_project(lead, lead_token, project, other_project, endpoint):
    stranger = add_trace(other_project, 9)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {lead_token}")
    refused = api.post("/api/v1/projects/alpha/assist/jobs/", {
        "endpoint": endpoint.pk, "task": "critic", "trace_ids": [stranger.pk]}, format="json")
    assert refused.status_code == 400 and not AssistJob.objects.exists()

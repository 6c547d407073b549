"""The lead's Segmenter page, the API's segmenter models and ``train_segmenter --project``."""
from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from curation.models import LearningSettings, SegmenterModel
from curation.services import learning


def test_the_page_lists_versions_with_their_scores_against_the_rules(client, project, lead, taught):
    model = learning.start_training(project, "response", user=lead)
    model.refresh_from_db()
    client.force_login(lead)
    page = client.get(reverse("segmenter", args=[project.slug])).content.decode()
    assert f'id="segmenter-model-{model.pk}"' in page
    assert f"{model.f1:.3f}" in page and f"{model.rules_f1:.3f}" in page
    assert "cut by the rules" in page and "Use this one" in page


def test_train_now_and_use_this_one(client, project, lead, taught):
    client.force_login(lead)
    client.post(reverse("segmenter-train", args=[project.slug]), {"field": "response"})
    model = SegmenterModel.objects.get(project=project)
    assert model.status == SegmenterModel.Status.READY and model.created_by == lead
    client.post(reverse("segmenter-activate", args=[project.slug, model.pk]))
    model.refresh_from_db()
    assert model.active and model.activated_by == lead
    client.post(reverse("segmenter-deactivate", args=[project.slug]), {"field": "response"})
    model.refresh_from_db()
    assert not model.active


def test_an_untrained_version_cannot_be_switched_on(client, project, lead):
    pending = SegmenterModel.objects.create(project=project, field="response", version=1)
    client.force_login(lead)
    client.post(reverse("segmenter-activate", args=[project.slug, pending.pk]))
    pending.refresh_from_db()
    assert not pending.active


def test_the_settings_form_saves_the_projects_choices(client, project, lead):
    client.force_login(lead)
    client.post(reverse("segmenter", args=[project.slug]), {
        "train_every": 25, "auto_activate": "on", "source": "approved", "queue_order": "uncertain"})
    saved = LearningSettings.objects.get(project=project)
    assert (saved.train_every, saved.auto_activate, saved.source, saved.queue_order) == (
        25, True, "approved", "uncertain")


def test_the_api_lists_versions_and_trains_one(project, lead, lead_token, taught):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer " + lead_token)
    url = f"/api/v1/projects/{project.slug}/segmenter-models/"
    started = api.post(url, {"field": "response"}, format="json")
    assert started.status_code == 202 and started.json()["version"] == 1
    listed = api.get(url).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["status"] == "ready" and rows[0]["training_size"] == 12
    assert rows[0]["f1"] > rows[0]["rules_f1"]


def test_train_segmenter_project_goes_through_the_service_and_says_where(project, lead, taught):
    out = StringIO()
    call_command("train_segmenter", "--project", project.slug, stdout=out)
    model = SegmenterModel.objects.get(project=project)
    assert f"model stored as version 1 of {project.slug}'s response segmenter" in out.getvalue()
    assert f"segmenter model #{model.pk}" in out.getvalue()
    assert model.status == SegmenterModel.Status.READY and model.training_size == 12

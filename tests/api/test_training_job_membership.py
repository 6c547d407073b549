"""Deliveries go only to current members: a job whose owner left the project, was deactivated
or revoked its token receives nothing more and is paused with the reason; the project's leads
see, pause, resume and remove every job on its datasets. Also: a follower gets the latest
version when registered, one chain of attempts per job and version, metrics as a table."""

from __future__ import annotations

import pytest

from curation.models import ApiToken, Delivery, Membership, TrainingJob
from curation.services.delivery import deliveries
from curation.services.delivery.training_jobs import register_job
from curation.services.people import tokens
from curation.signals import version_published
from curation.tasks import deliver_version
from tests.api.conftest import SECRET, client_with, publish_version, token_for
from tests.factories import add_member

URL = "/api/v1/training-jobs/"
PROJECT_JOBS = "/api/v1/projects/alpha/training-jobs/"


@pytest.fixture
def trainer(django_user_model, project):
    return add_member(django_user_model, project, "tara", "annotator")


@pytest.fixture
def follower(trainer, dataset, receiver) -> TrainingJob:
    return register_job(
        owner=trainer, dataset=dataset, name="grpo", webhook_url=receiver.url, secret=SECRET
    )


def publish(dataset, number: int, capture):
    version = publish_version(dataset, number)
    with capture(execute=True):
        version_published.send(sender=type(version), version=version)
    return version


def test_a_former_member_receives_nothing_more_and_the_job_is_paused(
    follower, trainer, project, dataset, receiver, django_capture_on_commit_callbacks
):
    publish(dataset, 1, django_capture_on_commit_callbacks)
    Membership.objects.filter(project=project, user=trainer).delete()

    publish(dataset, 2, django_capture_on_commit_callbacks)

    follower.refresh_from_db()
    assert [hit.json["version"]["number"] for hit in receiver.received] == [1]
    assert follower.paused_at is not None
    assert follower.pause_reason == "Its owner is no longer a member of the project."


def test_a_deactivated_owner_receives_nothing_more(
    follower, trainer, dataset, receiver, django_capture_on_commit_callbacks
):
    trainer.is_active = False
    trainer.save()

    publish(dataset, 1, django_capture_on_commit_callbacks)

    follower.refresh_from_db()
    assert receiver.received == [] and not Delivery.objects.filter(job=follower).exists()
    assert follower.pause_reason == "Its owner's account was deactivated."


def test_a_job_whose_token_was_revoked_receives_nothing_more(
    trainer, dataset, receiver, django_capture_on_commit_callbacks
):
    token, raw = tokens.create_token(user=trainer, name="ci", scope=ApiToken.Scope.WRITE)
    created = client_with(raw).post(
        URL, {"name": "ci", "dataset": "alpha/gsm-steps", "webhook_url": receiver.url},
        format="json",
    )
    assert TrainingJob.objects.get(pk=created.json()["id"]).token == token
    tokens.revoke_token(token=token)

    publish(dataset, 1, django_capture_on_commit_callbacks)

    assert receiver.received == []
    assert "token" in TrainingJob.objects.get(pk=created.json()["id"]).pause_reason


def test_membership_is_checked_again_when_sending(
    follower, trainer, project, version, receiver
):
    Membership.objects.filter(project=project, user=trainer).delete()  # after it was queued

    deliver_version.delay(follower.pk, version.pk)

    [delivery] = Delivery.objects.filter(job=follower)
    assert receiver.received == []
    assert (delivery.outcome, delivery.detail) == (
        "failed", "Not delivered: Its owner is no longer a member of the project."
    )
    follower.refresh_from_db()
    assert follower.paused_at is not None


def test_the_lead_page_lists_every_job_on_the_project_and_pauses_one(
    client, lead, follower, dataset, receiver, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    page = client.get("/p/alpha/training-jobs/").content.decode()
    assert "grpo" in page and "tara" in page and "receiving" in page

    client.post(f"/p/alpha/training-jobs/{follower.pk}/pause/")
    publish(dataset, 1, django_capture_on_commit_callbacks)

    follower.refresh_from_db()
    assert receiver.received == []
    assert follower.pause_reason == "Paused by lena."
    assert "Paused by lena." in client.get("/p/alpha/training-jobs/").content.decode()


def test_a_lead_resumes_a_paused_job_and_it_receives_the_next_version(
    client, lead, follower, dataset, receiver, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    client.post(f"/p/alpha/training-jobs/{follower.pk}/pause/")
    client.post(f"/p/alpha/training-jobs/{follower.pk}/resume/")

    publish(dataset, 1, django_capture_on_commit_callbacks)

    assert len(receiver.received) == 1


def test_a_lead_removes_a_job(client, lead, follower):
    client.force_login(lead)

    response = client.post(f"/p/alpha/training-jobs/{follower.pk}/remove/")

    assert response.status_code == 302
    assert not TrainingJob.objects.filter(pk=follower.pk).exists()


def test_leads_manage_the_projects_jobs_through_the_api(lead, follower):
    api = client_with(token_for(lead, ApiToken.Scope.WRITE))

    [listed] = api.get(PROJECT_JOBS).json()["results"]
    paused = api.post(f"{PROJECT_JOBS}{follower.pk}/pause/").json()
    resumed = api.post(f"{PROJECT_JOBS}{follower.pk}/resume/").json()
    removed = api.delete(f"{PROJECT_JOBS}{follower.pk}/")

    assert (listed["owner"], listed["paused"], "secret" in listed) == ("tara", False, False)
    assert (paused["paused"], paused["pause_reason"]) == (True, "Paused by lena.")
    assert resumed["paused"] is False
    assert removed.status_code == 204 and not TrainingJob.objects.exists()


def test_a_job_of_a_former_member_cannot_be_resumed(lead, trainer, project, follower):
    Membership.objects.filter(project=project, user=trainer).delete()
    api = client_with(token_for(lead, ApiToken.Scope.WRITE))
    api.post(f"{PROJECT_JOBS}{follower.pk}/pause/")

    response = api.post(f"{PROJECT_JOBS}{follower.pk}/resume/")

    assert response.status_code == 400
    assert "no longer a member" in response.json()["error"]["fields"]["non_field_errors"][0]


def test_a_follower_receives_the_latest_published_version_when_registered(
    trainer, dataset, receiver
):
    publish_version(dataset, 1)
    publish_version(dataset, 2)
    api = client_with(token_for(trainer, ApiToken.Scope.WRITE))

    api.post(URL, {"name": "late", "dataset": "alpha/gsm-steps", "webhook_url": receiver.url},
             format="json")

    assert [hit.json["version"]["number"] for hit in receiver.received] == [2]


def test_a_manual_delivery_while_one_is_under_way_starts_no_second_chain(
    monkeypatch, trainer, version
):
    queued = []  # a broker that has not run anything yet
    monkeypatch.setattr(deliveries, "enqueue_on_commit", lambda task, *args: queued.append(args))
    api = client_with(token_for(trainer, ApiToken.Scope.WRITE))
    job_id = api.post(
        URL, {"name": "fixed", "dataset": "alpha/gsm-steps", "version": 1, "storage_target": "r"},
        format="json",
    ).json()["id"]

    again = api.post(f"{URL}{job_id}/deliver/", {}, format="json")

    assert again.status_code == 202 and again.json()["started"] is False
    assert queued == [(job_id, version.pk)]
    assert Delivery.objects.filter(job_id=job_id).count() == 1


def test_a_retrying_chain_counts_as_under_way_and_a_finished_one_does_not(trainer, dataset, version):
    job = register_job(owner=trainer, dataset=dataset, name="j", storage_target="r")
    row = Delivery.objects.create(job=job, version=version, outcome=Delivery.Outcome.RETRYING)
    assert deliveries.in_flight(job, version)

    row.outcome = Delivery.Outcome.FAILED
    row.save()

    assert not deliveries.in_flight(job, version)


def test_metrics_are_shown_as_a_table(client, trainer, dataset):
    job = register_job(owner=trainer, dataset=dataset, name="j", storage_target="r")
    job.metrics = {"loss": 0.25, "eval": {"accuracy": 0.9, "tags": ["a", "b"]}, "note": "ok"}
    job.save()
    client.force_login(trainer)

    page = client.get(f"/training-jobs/{job.pk}/").content.decode()

    assert '<table class="grid metrics" id="metrics">' in page
    assert "<code>eval.accuracy</code>" in page and "0.9" in page
    assert "{&#x27;" not in page and "{'" not in page

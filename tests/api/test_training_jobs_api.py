"""Training jobs by API: register, report status and metrics, ask for a delivery, list them."""

from __future__ import annotations

import pytest

from curation.models import Delivery, TrainingJob
from tests.api.conftest import client_with, token_for

URL = "/api/v1/training-jobs/"


def register(client, **fields):
    body = {
        "name": "grpo-run",
        "dataset": "alpha/gsm-steps",
        "format": "srl",
        "storage_target": "runs/a",
        **fields,
    }
    return client.post(
        URL, {key: value for key, value in body.items() if value is not None}, format="json"
    )


def test_registering_a_job_answers_its_secret_once(lead_writer, dataset):
    created = register(lead_writer).json()

    assert len(created["secret"]) == 64
    assert "secret" not in lead_writer.get(f"{URL}{created['id']}/").json()


def test_a_job_without_a_version_follows_the_dataset(lead_writer, dataset):
    created = register(lead_writer).json()

    assert created["version"] is None
    assert TrainingJob.objects.get(pk=created["id"]).version is None


def test_a_job_needs_somewhere_to_deliver(lead_writer, dataset):
    response = register(lead_writer, storage_target=None)

    assert response.status_code == 400
    assert (
        "webhook URL, a storage target" in response.json()["error"]["fields"]["non_field_errors"][0]
    )


def test_a_storage_target_cannot_climb_out_of_the_delivery_root(lead_writer, dataset):
    response = register(lead_writer, storage_target="../../etc")

    assert response.status_code == 400
    assert "storage target" in response.json()["error"]["fields"]["non_field_errors"][0]


def test_a_dataset_of_another_project_is_unknown(lead_writer, other_dataset):
    response = register(lead_writer, dataset="beta/secret-steps")

    assert response.status_code == 404  # as the schema says of objects the caller cannot see
    assert response.json()["error"]["message"] == "No such dataset."


def test_an_unknown_format_is_a_400(lead_writer, dataset):
    assert register(lead_writer, format="parquet-please").status_code == 400


def test_the_trainer_reports_status_and_metrics(lead_writer, dataset):
    job_id = register(lead_writer).json()["id"]

    response = lead_writer.patch(
        f"{URL}{job_id}/",
        {"status": "running", "metrics": {"step": 10, "reward": 0.42}},
        format="json",
    )

    assert response.json()["status"] == "running"
    assert TrainingJob.objects.get(pk=job_id).metrics == {"step": 10, "reward": 0.42}


def test_an_unknown_status_is_a_400(lead_writer, dataset):
    job_id = register(lead_writer).json()["id"]

    assert (
        lead_writer.patch(f"{URL}{job_id}/", {"status": "exploded"}, format="json").status_code
        == 400
    )


def test_someone_elses_job_is_404(lead_writer, annotator, dataset):
    job_id = register(lead_writer).json()["id"]

    other = client_with(token_for(annotator, "write"))

    assert other.patch(f"{URL}{job_id}/", {"status": "done"}, format="json").status_code == 404


def test_asking_for_a_delivery_delivers_the_latest_version_again(
    lead_writer, version, django_capture_on_commit_callbacks
):
    job_id = register(lead_writer).json()["id"]  # delivered once when registered

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_writer.post(f"{URL}{job_id}/deliver/", {}, format="json")

    assert response.status_code == 202
    assert response.json() == {"job": job_id, "version": 1, "started": True}
    outcomes = Delivery.objects.filter(job_id=job_id).values_list("outcome", flat=True)
    assert list(outcomes) == [Delivery.Outcome.DELIVERED] * 2


def test_asking_for_a_delivery_before_any_version_is_a_400(lead_writer, dataset):
    job_id = register(lead_writer).json()["id"]

    response = lead_writer.post(f"{URL}{job_id}/deliver/", {}, format="json")

    assert response.status_code == 400


def test_a_job_on_a_fixed_version_is_delivered_when_registered(
    lead_writer, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = register(lead_writer, version=1).json()["id"]

    assert Delivery.objects.get(job_id=job_id).version == version


def test_deliveries_are_listed_per_job(lead_writer, version, django_capture_on_commit_callbacks):
    job_id = register(lead_writer).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_writer.post(f"{URL}{job_id}/deliver/", {}, format="json")

    body = lead_writer.get(f"{URL}{job_id}/deliveries/").json()

    assert [(d["version"], d["attempt"], d["outcome"]) for d in body["results"]] == [
        (1, 1, "delivered"), (1, 1, "delivered")  # asked for, and the one at registration
    ]


@pytest.mark.parametrize("method", ["get", "delete"])
def test_a_restricted_token_does_not_see_jobs_of_other_projects(
    method, lead, project, other_project, dataset
):
    other_project.memberships.create(user=lead, role="lead")
    from curation.models import Dataset

    theirs = Dataset.objects.create(project=other_project, name="d")
    job = TrainingJob.objects.create(
        owner=lead, dataset=theirs, name="x", storage_target="t", secret="s" * 32
    )
    restricted = client_with(token_for(lead, "write", project=project))

    assert getattr(restricted, method)(f"{URL}{job.pk}/").status_code == 404

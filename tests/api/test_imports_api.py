"""Imports by API: a lead uploads with a write token; the job runs in a worker and reports."""

from __future__ import annotations

import io
import json

import pytest

from curation.models import ImportJob, Trace
from tests.api.conftest import client_with, token_for
from tests.factories import processbench_record

URL = "/api/v1/projects/alpha/imports/"


def upload(records: list) -> io.BytesIO:
    lines = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"
    file = io.BytesIO(lines.encode())
    file.name = "traces.jsonl"
    return file


@pytest.fixture(autouse=True)
def media(media_root):
    return media_root


def test_an_upload_queues_an_import_that_a_worker_runs(
    lead_writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_writer.post(
            URL, {"file": upload([processbench_record(1), processbench_record(2)])}
        )

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportJob.Status.DONE
    assert Trace.objects.filter(import_job=job).count() == 2


def test_the_job_reports_progress_and_bad_records(lead_writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = lead_writer.post(
            URL, {"file": upload([processbench_record(1), "{broken"])}
        ).json()["id"]

    body = lead_writer.get(f"{URL}{job_id}/").json()

    assert (body["status"], body["progress_percent"], body["traces_created"]) == ("done", 100, 1)
    assert body["errors_count"] == 1 and body["errors"][0]["location"] == 2


def test_a_mapping_is_sent_as_json_and_selects_the_mapping_preset(lead_writer):
    mapping = json.dumps({"problem": "question", "response": "answer_text"})

    body = lead_writer.post(
        URL, {"file": upload([{"question": "q", "answer_text": "a"}]), "mapping": mapping}
    ).json()

    assert (body["preset"], body["mapping"]) == (
        "mapping",
        {"problem": "question", "response": "answer_text"},
    )


def test_a_mapping_that_cannot_work_is_a_400(lead_writer):
    response = lead_writer.post(
        URL, {"file": upload([{}]), "mapping": json.dumps({"nonsense": "x"})}
    )

    assert response.status_code == 400
    assert "mapping" in response.json()["error"]["fields"]


def test_a_read_token_cannot_import(lead_client):
    assert lead_client.post(URL, {"file": upload([processbench_record(1)])}).status_code == 403


def test_an_annotator_cannot_import(annotator):
    writer = client_with(token_for(annotator, "write"))

    assert writer.post(URL, {"file": upload([processbench_record(1)])}).status_code == 403
    assert not ImportJob.objects.exists()


def test_importing_into_another_project_is_404(lead_writer, other_project):
    response = lead_writer.post(
        "/api/v1/projects/beta/imports/", {"file": upload([processbench_record(1)])}
    )

    assert response.status_code == 404


def test_an_empty_mapping_field_is_refused_not_ignored(lead_writer):
    response = lead_writer.post(URL, {"file": upload([processbench_record(1)]), "mapping": ""})

    assert response.status_code == 400
    assert "mapping" in response.json()["error"]["fields"]

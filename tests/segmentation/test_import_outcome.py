"""An import whose follow-up segmentation failed says so: page, API and command (issue 14)."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.models import ImportJob, Project
from tests.conftest import generation_record

pytestmark = pytest.mark.django_db

BAD = {"strategy": "discourse", "params": {"granularity": "word"}}


def upload_and_start(client, project) -> ImportJob:
    content = b"".join(json.dumps(generation_record(n)).encode() + b"\n" for n in range(3))
    client.post(reverse("import-list", args=[project.slug]),
                {"file": SimpleUploadedFile("g.jsonl", content), "preset": "auto"})
    job = project.import_jobs.get()
    client.post(reverse("import-start", args=[project.slug, job.pk]))
    return job


def test_the_import_page_says_the_segmentation_failed(client, lead, project, media_root):
    Project.objects.filter(pk=project.pk).update(segmentation=BAD)
    client.force_login(lead)
    job = upload_and_start(client, project)

    body = client.get(reverse("import-detail", args=[project.slug, job.pk])).content.decode()

    assert "imported 3 traces; segmentation failed: Invalid segmentation settings:" in body
    assert 'id="import-segmentation-status">failed<' in body


def test_the_import_page_says_how_many_steps_a_good_segmentation_made(client, lead, project, media_root):
    client.force_login(lead)
    job = upload_and_start(client, project)

    body = client.get(reverse("import-progress", args=[project.slug, job.pk])).content.decode()

    assert "imported 3 traces; segmented into" in body
    assert "hx-trigger" not in body  # settled: the partial stops polling


def test_the_api_reports_the_imports_segmentation(client, lead, project, media_root):
    Project.objects.filter(pk=project.pk).update(segmentation=BAD)
    client.force_login(lead)
    job = upload_and_start(client, project)

    body = client.get(f"/api/v1/projects/{project.slug}/imports/{job.pk}/").json()

    assert body["status"] == "done"
    assert body["segmentation"]["status"] == "failed"
    assert body["outcome"].startswith("imported 3 traces; segmentation failed: ")


def test_the_import_command_fails_saying_the_segmentation_failed(generations_file, project):
    Project.objects.filter(pk=project.pk).update(segmentation=BAD)

    with pytest.raises(CommandError) as failed:
        call_command("import_traces", str(generations_file), "--project", project.slug,
                     stdout=StringIO(), stderr=StringIO())

    assert str(failed.value).startswith("imported 5 traces; segmentation failed: Invalid")


def test_the_import_command_reports_a_good_segmentation(generations_file, project):
    out = StringIO()

    call_command("import_traces", str(generations_file), "--project", project.slug,
                 stdout=out, stderr=StringIO())

    assert "imported 5 traces; segmented into" in out.getvalue()

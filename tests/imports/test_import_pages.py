"""The import pages in the browser's shoes: upload, preview, start, progress, isolation."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curation.models import ImportJob, Trace
from tests.factories import generation_record

pytestmark = pytest.mark.django_db


def upload(client, project, content: bytes, name: str = "traces.jsonl", **fields):
    data = {"file": SimpleUploadedFile(name, content), "preset": "auto", **fields}
    return client.post(reverse("import-list", args=[project.slug]), data)


def jsonl(*records) -> bytes:
    import json

    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_upload_stages_the_file_without_importing(client, lead, project, media_root):
    client.force_login(lead)

    response = upload(client, project, jsonl(generation_record(1), generation_record(2)))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ImportJob.Status.STAGED
    assert not Trace.objects.exists()


def test_preview_names_the_recognized_preset_and_shows_mapped_records(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, jsonl(generation_record(7)))
    job = ImportJob.objects.get()

    response = client.get(reverse("import-preview", args=[project.slug, job.pk]))

    body = response.content.decode()
    assert 'id="detected-preset">generation<' in body
    assert "What is 7 + 7?" in body
    assert "recognized automatically" in body


def test_preview_escapes_hostile_trace_text(client, lead, project, media_root):
    client.force_login(lead)
    hostile = generation_record(1, problem="<script>alert(1)</script><img src=x onerror=alert(2)>")
    upload(client, project, jsonl(hostile))
    job = ImportJob.objects.get()

    body = client.get(reverse("import-preview", args=[project.slug, job.pk])).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_changing_the_preset_in_the_preview_is_saved_on_the_job(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, jsonl({"q": "Why?", "a": "Because."}))
    job = ImportJob.objects.get()

    response = client.post(
        reverse("import-preview", args=[project.slug, job.pk]),
        {"preset": "mapping", "mapping": "problem=q\nresponse=a"},
    )

    job.refresh_from_db()
    assert job.preset == "mapping" and job.mapping == {"problem": "q", "response": "a"}
    assert "Because." in response.content.decode()


def test_a_bad_mapping_line_is_explained(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, jsonl({"q": "Why?"}))
    job = ImportJob.objects.get()

    response = client.post(
        reverse("import-preview", args=[project.slug, job.pk]), {"preset": "mapping", "mapping": "problem"}
    )

    assert "expected field=path" in response.content.decode()


def test_starting_runs_the_import_and_progress_shows_the_result(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, jsonl(generation_record(1), generation_record(2)) + b"{bad\n")
    job = ImportJob.objects.get()

    client.post(reverse("import-start", args=[project.slug, job.pk]))
    body = client.get(reverse("import-progress", args=[project.slug, job.pk])).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Trace.objects.count() == 2
    assert "2 traces imported" in body
    assert "every 1s" not in body  # a finished job stops polling
    assert "<td class=\"num\">3</td>" in body  # the bad line is listed by number


def test_a_file_nobody_can_read_is_shown_as_such(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, b"\x00\x01\x02 binary garbage", name="lying.jsonl")
    job = ImportJob.objects.get()

    response = client.get(reverse("import-preview", args=[project.slug, job.pk]))

    assert response.status_code == 200


def test_annotators_cannot_import(client, annotator, project):
    client.force_login(annotator)

    assert client.get(reverse("import-list", args=[project.slug])).status_code == 404


def test_outsiders_get_404_for_a_guessed_project_or_job(client, outsider, project, lead, media_root):
    client.force_login(lead)
    upload(client, project, jsonl(generation_record(1)))
    job = ImportJob.objects.get()
    client.force_login(outsider)

    assert client.get(reverse("project-detail", args=[project.slug])).status_code == 404
    assert client.get(reverse("import-detail", args=[project.slug, job.pk])).status_code == 404
    assert client.get(reverse("import-progress", args=[project.slug, job.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, project):
    response = client.get(reverse("project-detail", args=[project.slug]))

    assert response.status_code == 302 and "/login/" in response.url


def test_reviewers_are_not_offered_the_annotation_queue(client, django_user_model, project, annotator):
    from curation.models import Membership

    reviewer = django_user_model.objects.create_user(username="rita", password="pw")
    Membership.objects.create(project=project, user=reviewer, role=Membership.Role.REVIEWER)

    client.force_login(reviewer)
    reviewer_page = client.get(reverse("project-detail", args=[project.slug])).content.decode()
    client.force_login(annotator)
    annotator_page = client.get(reverse("project-detail", args=[project.slug])).content.decode()

    assert "Start annotating" not in reviewer_page
    assert "Start annotating" in annotator_page

"""Issue 13: an unsupported upload is refused before any import starts (page, API, command);
a staged upload can be discarded; auto names the mapping it chose."""
from __future__ import annotations

import io
import json
import random
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.models import FieldMapping, ImportJob, Trace
from tests.factories import generation_record

pytestmark = pytest.mark.django_db


def random_bytes(size: int = 4096) -> bytes:
    rng = random.Random(13)
    return bytes(rng.randrange(256) for _ in range(size))


def upload(client, project, content: bytes, name: str = "traces.jsonl"):
    data = {"file": SimpleUploadedFile(name, content), "preset": "auto"}
    return client.post(reverse("import-list", args=[project.slug]), data)


def test_the_preview_of_a_binary_file_says_unsupported_and_offers_no_start(
    client, lead, project, media_root
):
    client.force_login(lead)
    upload(client, project, random_bytes(), "photo.bin")
    job = ImportJob.objects.get()

    body = client.get(reverse("import-preview", args=[project.slug, job.pk])).content.decode()

    assert "not a supported container" in body
    assert 'id="start-import"' not in body


def test_the_preview_of_a_good_file_offers_start(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, json.dumps(generation_record(1)).encode() + b"\n")
    job = ImportJob.objects.get()

    body = client.get(reverse("import-preview", args=[project.slug, job.pk])).content.decode()

    assert 'id="start-import"' in body


def test_starting_a_binary_upload_is_refused(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, random_bytes(), "photo.bin")
    job = ImportJob.objects.get()

    client.post(reverse("import-start", args=[project.slug, job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.STAGED


def test_a_staged_upload_can_be_discarded_with_its_file(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, random_bytes(), "photo.bin")
    job = ImportJob.objects.get()
    stored = job.file.path

    response = client.post(reverse("import-discard", args=[project.slug, job.pk]))

    assert response.status_code == 302
    assert not ImportJob.objects.exists()
    assert not __import__("os").path.exists(stored)


def test_the_import_page_shows_the_discard_button(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, random_bytes(), "photo.bin")
    job = ImportJob.objects.get()

    body = client.get(job.get_absolute_url()).content.decode()

    assert 'id="discard-import"' in body


def test_a_started_import_cannot_be_discarded(client, lead, project, media_root):
    client.force_login(lead)
    upload(client, project, json.dumps(generation_record(1)).encode() + b"\n")
    job = ImportJob.objects.get()
    client.post(reverse("import-start", args=[project.slug, job.pk]))

    client.post(reverse("import-discard", args=[project.slug, job.pk]))

    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_an_outsider_cannot_discard(client, lead, outsider, project, media_root):
    client.force_login(lead)
    upload(client, project, random_bytes(), "photo.bin")
    job = ImportJob.objects.get()
    client.force_login(outsider)

    response = client.post(reverse("import-discard", args=[project.slug, job.pk]))

    assert response.status_code == 404 and ImportJob.objects.filter(pk=job.pk).exists()


def test_the_command_refuses_a_binary_file(tmp_path):
    path = tmp_path / "photo.bin"
    path.write_bytes(random_bytes())

    with pytest.raises(CommandError, match="not a supported container"):
        call_command("import_traces", str(path), "--project", "p", stdout=StringIO())
    assert not ImportJob.objects.exists()


def test_auto_uses_a_saved_mapping_and_names_it(tmp_path, project):
    FieldMapping.objects.create(project=project, name="mine", fields={"problem": "q", "response": "a.text"})
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"q": "What?", "a": {"text": "This."}}) + "\n")
    out = StringIO()

    call_command("import_traces", str(path), "--project", "alpha", "--no-segment", stdout=out)

    assert "Preset: mapping (mapping 'mine', chosen automatically)" in out.getvalue()
    assert Trace.objects.get().problem == "What?"

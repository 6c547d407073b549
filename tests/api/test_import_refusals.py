"""Issue 13: the API refuses a file that is not a supported container before any job exists."""
from __future__ import annotations

import io
import json
import random

import pytest

from curation.models import ImportJob

pytestmark = pytest.mark.django_db


def random_bytes(size: int = 4096) -> bytes:
    rng = random.Random(13)
    return bytes(rng.randrange(256) for _ in range(size))


def test_the_api_refuses_a_binary_upload(media_root, lead_writer):
    file = io.BytesIO(random_bytes())
    file.name = "photo.bin"

    response = lead_writer.post("/api/v1/projects/alpha/imports/", {"file": file})

    assert response.status_code == 400
    assert "not a supported container" in json.dumps(response.json())
    assert not ImportJob.objects.exists()

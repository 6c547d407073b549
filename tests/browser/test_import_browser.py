"""Issue 13, a data lead's upload in a real browser: an unsupported file is named so and offers
no Start import; a good file offers it once its preview has been read; a staged upload is discarded."""

from __future__ import annotations

import json
import random

import pytest

from curation.models import ImportJob
from tests.browser.conftest import log_in
from tests.factories import generation_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def tokenizer_loaded():
    """Starting an import segments it in the request (eager tasks): the first tokenizer load of
    the process (about 15 s on two cores) must not count against the click's 10 s."""
    from curation.segment.tokens import load_tokenizer

    load_tokenizer()


@pytest.fixture
def import_page(new_page, lead, project, media_root):
    page = new_page()
    log_in(page, "lena")
    page.goto("/p/alpha/imports/")
    return page


def upload(page, tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    page.set_input_files("input[type=file]", str(path))
    page.click("form button[type=submit]")
    page.wait_for_selector("#discard-import")


def test_a_binary_upload_is_named_unsupported_and_cannot_start(import_page, tmp_path):
    rng = random.Random(3)
    upload(import_page, tmp_path, "photo.bin", bytes(rng.randrange(256) for _ in range(4096)))

    import_page.wait_for_selector("#unsupported-file")
    assert import_page.locator("#start-import").count() == 0

    import_page.click("#discard-import")
    import_page.wait_for_url("**/imports/")
    assert not ImportJob.objects.exists()


def test_a_good_file_offers_start_once_previewed(import_page, tmp_path):
    upload(import_page, tmp_path, "t.jsonl", json.dumps(generation_record(1)).encode() + b"\n")

    import_page.click("#start-import")

    import_page.wait_for_function("!document.querySelector('#discard-import')")
    assert ImportJob.objects.get().status in ("queued", "running", "done")

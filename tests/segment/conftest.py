"""Pure tests of curation.segment: no database, no Celery (run with ``-p no:django``)."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def eager_celery():
    """Replaces the project-wide autouse fixture, which needs Django: nothing to set up here."""
    yield None


@pytest.fixture(scope="session")
def tokenizer():
    from curation.segment import load_tokenizer

    return load_tokenizer(None)


def shared_file(name: str) -> Path:
    """A file of ../shared/data; the test is skipped when the data is not there."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path

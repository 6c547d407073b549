"""The export core is plain Python: its tests need neither Django nor a database."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def eager_celery():
    """Overrides the suite-wide fixture of the same name, which needs pytest-django's
    ``settings``: these tests run with ``-p no:django`` and start no task."""
    yield None

"""Dataset tests publish into a private datasets storage (the root conftest's ``datasets_root``)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_datasets_storage(datasets_root):
    return datasets_root

"""Assist on the Django side: an endpoint of ``alpha`` on the fake server (loopback allowed)."""
from __future__ import annotations

import pytest

from .fake_openai import FakeOpenAI, Reply


@pytest.fixture
def loopback_allowed(settings):
    settings.STEPWISE_OUTBOUND_ALLOW = "127.0.0.1"


@pytest.fixture
def fake_server():
    """A fake server answering every critic prompt "no error"; tests set ``responder``/``script``."""
    with FakeOpenAI(responder=lambda request: Reply(["All fine. \\boxed{-1}"])) as fake:
        yield fake


@pytest.fixture
def endpoint(project, lead, fake_server, loopback_allowed):
    from curation.services.assist import save_endpoint

    return save_endpoint(
        project=project, user=lead,
        values={"name": "fake", "base_url": fake_server.base_url, "model": "fake-model",
                "timeout_seconds": 5.0, "max_retries": 1, "concurrency": 4,
                "prompt_price_per_1k": 1, "completion_price_per_1k": 2},
    )

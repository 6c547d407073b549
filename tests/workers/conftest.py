"""What the reaper tests share: a heartbeat that goes stale after a minute, three attempts."""
import pytest


@pytest.fixture
def short_heartbeat(settings):
    settings.STEPWISE_HEARTBEAT_TIMEOUT_SECONDS = 60
    settings.STEPWISE_JOB_MAX_ATTEMPTS = 3

"""The client's tests run against the app on loopback with the API tests' published version."""
from tests.api.conftest import (  # noqa: F401  (fixtures, found by name)
    api_settings,
    dataset,
    datasets_root,
    eager_retries,
    version,
)

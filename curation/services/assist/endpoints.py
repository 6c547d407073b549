"""A project's model endpoints: registered under the outbound policy, tried, turned into configs.

A URL is checked when it is saved (``check_url`` against ``STEPWISE_OUTBOUND_ALLOW``) and again
at every connection by the outbound client, so a host that later resolves elsewhere is refused.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import anyio
from django.conf import settings
from django.db import transaction

from curation import assist
from curation.assist import EndpointCheck, EndpointConfig, Prices
from curation.models import ModelEndpoint, Project
from curation.outbound import Allowlist, OutboundRefused, check_url, parse_allowlist
from curation.services.assist.secrets import api_key_for, encrypt_key

# The fields a lead sets (the key is passed apart: it is encrypted, never read back).
SETTINGS = (
    "name", "base_url", "model", "api_key_env", "concurrency", "requests_per_minute",
    "timeout_seconds", "max_retries", "use_n", "prompt_price_per_1k", "completion_price_per_1k",
)
_ENV_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,99}\Z")


class InvalidEndpoint(ValueError):
    """The endpoint cannot be saved as given; the message says why."""


def outbound_allowlist() -> Allowlist:
    return parse_allowlist(settings.STEPWISE_OUTBOUND_ALLOW)


def check_endpoint_url(url: str) -> None:
    """Raise ``InvalidEndpoint`` when the outbound policy refuses ``url``."""
    try:
        check_url(url, outbound_allowlist())
    except OutboundRefused as refused:
        raise InvalidEndpoint(str(refused)) from None


def save_endpoint(
    *, project: Project, values: dict, api_key: str = "", endpoint: ModelEndpoint | None = None,
    user=None,
) -> ModelEndpoint:
    """Create (or update) an endpoint. An empty ``api_key`` keeps the stored one; naming an
    environment variable drops a stored key (one source of truth)."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise InvalidEndpoint(f"unknown endpoint settings: {', '.join(sorted(unknown))}")
    env_name = values.get("api_key_env", endpoint.api_key_env if endpoint else "")
    if env_name and not _ENV_NAME.match(env_name):
        raise InvalidEndpoint("the key's environment variable: letters, digits and '_'")
    if "base_url" in values:
        check_endpoint_url(values["base_url"])
    endpoint = endpoint or ModelEndpoint(project=project, created_by=user)
    for name, value in values.items():
        setattr(endpoint, name, value)
    taken = ModelEndpoint.objects.filter(project=project, name=endpoint.name).exclude(pk=endpoint.pk)
    if taken.exists():
        raise InvalidEndpoint(f"the project already has an endpoint named {endpoint.name!r}")
    if api_key:
        endpoint.api_key_encrypted, endpoint.api_key_env = encrypt_key(api_key), ""
    elif endpoint.api_key_env:
        endpoint.api_key_encrypted = ""
    with transaction.atomic():
        endpoint.save()
    return endpoint


def forget_key(endpoint: ModelEndpoint) -> None:
    endpoint.api_key_encrypted = ""
    endpoint.save(update_fields=["api_key_encrypted"])


def endpoint_config(endpoint: ModelEndpoint) -> EndpointConfig:
    """The plain-Python client's view of an endpoint, with its key read now."""
    return EndpointConfig(
        base_url=endpoint.base_url,
        model=endpoint.model,
        api_key=api_key_for(endpoint),
        timeout=endpoint.timeout_seconds,
        max_retries=endpoint.max_retries,
        concurrency=max(1, endpoint.concurrency),
        requests_per_minute=endpoint.requests_per_minute or None,
        prices=Prices(_price(endpoint.prompt_price_per_1k), _price(endpoint.completion_price_per_1k)),
        use_n=endpoint.use_n,
    )


def _price(value: Decimal | float | None) -> float:
    return float(value or 0)


def try_endpoint(endpoint: ModelEndpoint) -> EndpointCheck:
    """One short request to the endpoint ("try it"): whether it answers, how fast, why not."""
    config = endpoint_config(endpoint)
    allow = outbound_allowlist()
    # In a fresh thread: a request handler may already run inside an event loop (ASGI).
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, _try, config, allow).result()


async def _try(config: EndpointConfig, allow: Allowlist) -> EndpointCheck:
    return await assist.try_endpoint(config, allow=allow)

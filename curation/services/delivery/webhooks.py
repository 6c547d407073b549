"""Webhooks go out through the guarded client (``curation.outbound``), never anything else.

A webhook URL is checked when a job is registered (a clear error for the person who typed it)
and again by the client at every connection (a DNS answer that turned private since then is
refused too). The allowlist is the operator's ``STEPWISE_OUTBOUND_ALLOW``, never a member's.
What a delivery keeps of the exchange is the status, the time it took and a fixed sentence per
failure category: the receiver's body and the operating system's error text are never stored,
so a delivery record cannot be used to read internal services or scan ports.
"""
from __future__ import annotations

from django.conf import settings

from curation.outbound import Allowlist, Delivery, OutboundClient, OutboundRefused, check_url
from curation.outbound import errors as categories
from curation.outbound import parse_allowlist

USER_AGENT = "Stepwise-Delivery/1"
RETRYABLE_STATUSES = {408, 425, 429}
# Worth another attempt: the network or the receiver may recover; a policy refusal, a redirect
# or a 4xx will answer the same next time.
RETRYABLE_CATEGORIES = {categories.TIMEOUT, categories.CONNECTION}


def allowlist() -> Allowlist:
    """The operator's allowlist, read from the setting each time (tests change it)."""
    return parse_allowlist(settings.STEPWISE_OUTBOUND_ALLOW)


def refusal(url: str) -> str | None:
    """Why ``url`` may not be a webhook (the policy's own words), or None when it may."""
    try:
        check_url(url, allowlist())
    except OutboundRefused as refused:
        return str(refused)
    return None


def post(url: str, payload: bytes, headers: dict[str, str]) -> Delivery:
    """POST the exact ``payload`` bytes (they are what the signature covers)."""
    with OutboundClient(
        allowlist(), timeout=settings.STEPWISE_WEBHOOK_TIMEOUT_SECONDS, user_agent=USER_AGENT
    ) as client:
        return client.send(
            "POST", url, content=payload, headers={"Content-Type": "application/json", **headers}
        )


def retryable(result: Delivery) -> bool:
    """Whether a failed delivery may pass on a later attempt."""
    if result.category in RETRYABLE_CATEGORIES:
        return True
    status = result.status or 0
    return result.category == categories.HTTP_STATUS and (
        status >= 500 or status in RETRYABLE_STATUSES
    )

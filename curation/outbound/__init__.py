"""Guarded outgoing HTTP: every request Stepwise makes to a URL a user chose goes through here.

Plain Python (no Django): the caller reads ``settings.STEPWISE_OUTBOUND_ALLOW`` and passes
``parse_allowlist(value)``. The stages, one module each:

* ``policy``: which URLs are allowed (``check_url`` at registration, ``vet_host`` per
  connection), the operator's allowlist (``parse_allowlist``);
* ``transport``: httpx transports whose sockets go only to the addresses the policy checked;
* ``client``: ``OutboundClient`` (sync webhooks: status and timing, never the body) and
  ``AsyncOutboundClient`` (model endpoints: JSON body, size-capped);
* ``errors``: failure categories with fixed wording (no port-scanner oracle).

    allow = parse_allowlist(settings.STEPWISE_OUTBOUND_ALLOW)
    check_url(job.webhook_url, allow)            # at registration: raises OutboundRefused
    with OutboundClient(allow) as client:        # at sending: checked again, per connection
        delivery = client.post_json(job.webhook_url, {"version": 3})
"""
from __future__ import annotations

from .client import (
    AsyncOutboundClient, Delivery, JsonReply, OutboundClient, as_outbound_error, parse_retry_after,
)
from .errors import OutboundError, OutboundRefused
from .policy import (
    NOTHING_ALLOWED, Allowlist, address_problem, check_url, parse_allowlist, system_resolver,
    vet_host,
)

__all__ = [
    "NOTHING_ALLOWED", "Allowlist", "AsyncOutboundClient", "Delivery", "JsonReply",
    "OutboundClient", "OutboundError", "OutboundRefused", "address_problem", "as_outbound_error",
    "check_url", "parse_allowlist", "parse_retry_after", "system_resolver", "vet_host",
]

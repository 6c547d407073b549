"""What a guarded outgoing request can fail with, as categories and never as the peer's words.

A caller shows ``str(error)``: a fixed sentence per category. The peer's body and the operating
system's error text ("Connection refused", "No route to host") are never part of it, so that a
project member cannot use deliveries to map what answers inside the network (a port scanner).
"""
from __future__ import annotations

REFUSED = "refused-by-policy"
TIMEOUT = "timeout"
CONNECTION = "connection-error"
HTTP_STATUS = "http-status"
REDIRECT = "redirect-not-followed"
TOO_LARGE = "response-too-large"
BAD_RESPONSE = "bad-response"

_SENTENCES = {
    TIMEOUT: "could not deliver: the request timed out",
    CONNECTION: "could not deliver: connection error",
    HTTP_STATUS: "could not deliver: the server answered with an error status",
    REDIRECT: "could not deliver: the server answered with a redirect, which is not followed",
    TOO_LARGE: "could not deliver: the response was larger than allowed",
    BAD_RESPONSE: "could not deliver: the response was not valid JSON",
}


class OutboundError(Exception):
    """A request that did not succeed; ``category`` says why, ``status`` the HTTP status if any."""

    def __init__(
        self, category: str, *, status: int | None = None, retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        self.category = category
        self.status = status
        self.retry_after = retry_after
        text = message or _SENTENCES.get(category, "could not deliver")
        if status is not None and message is None:
            text = f"{text} ({status})"
        super().__init__(text)


class OutboundRefused(OutboundError):
    """The URL is not allowed: bad scheme, no host, or a host that resolves to a non-public
    address outside the operator's allowlist. The message says which rule, for the person who
    typed the URL."""

    def __init__(self, message: str) -> None:
        super().__init__(REFUSED, message=f"refused by policy: {message}")

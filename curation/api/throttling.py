"""Request budgets: one per token (each script is its own client), one per browser user, one per
address for anonymous calls. Rates come from ``settings.STEPWISE_API_RATES`` at request time,
so they can be changed (or turned off with "") without restarting anything that imported DRF."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from curation.access import token_of


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return settings.STEPWISE_API_RATES.get(self.scope) or None


class ClientThrottle(_SettingsRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        token = token_of(request)
        ident = f"token-{token.pk}" if token else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousThrottle(_SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def refused_credentials(exc: Exception, request, view) -> Exception:
    """What to answer a request refused for its credentials (none, or a bad token).

    DRF authenticates and checks permissions before it throttles, so such a request answered
    401 without ever reaching the anonymous budget: a token could be guessed at any speed. It
    is counted against that budget here, and once over it answered 429 instead.
    """
    if request is None or not isinstance(
        exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)
    ):
        return exc
    throttle = AnonymousThrottle()
    if throttle.allow_request(request, view):
        return exc
    return exceptions.Throttled(throttle.wait())

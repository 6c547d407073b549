"""Login throttling with django-axes: per account and per address, with growing delays.

django-axes counts failed logins (every ``authenticate()``: the login page and /admin/login/)
and refuses an account or an address that reached ``AXES_FAILURE_LIMIT`` until its cool-off has
passed, even with the right password. Axes' own cool-off is one fixed time; here it grows with
persistence: every further ``AXES_FAILURE_LIMIT`` failures of the same account or address in the
last day (axes' failure log) double it, up to ``STEPWISE_LOGIN_COOLOFF_MAX_SECONDS``.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# How far back failures count towards a longer cool-off.
MEMORY = timedelta(days=1)


def cool_off(request: HttpRequest | None) -> timedelta:
    """Axes' AXES_COOLOFF_TIME: base x 2^(rounds of failures past the first), capped."""
    base = timedelta(seconds=settings.STEPWISE_LOGIN_COOLOFF_SECONDS)
    ceiling = timedelta(seconds=settings.STEPWISE_LOGIN_COOLOFF_MAX_SECONDS)
    rounds = _recent_failures(request) // max(1, settings.AXES_FAILURE_LIMIT)
    if rounds <= 1:
        return min(base, ceiling)
    return min(base * 2 ** min(rounds - 1, 32), ceiling)


def _recent_failures(request: HttpRequest | None) -> int:
    """Failures in the last day by this request's address or for its username, whichever more."""
    if request is None:
        return 0
    from axes.models import AccessFailureLog  # axes' models load after the apps registry

    address = getattr(request, "axes_ip_address", None)
    username = request.POST.get("username") if request.method == "POST" else None
    since = timezone.now() - MEMORY
    recent = AccessFailureLog.objects.filter(attempt_time__gte=since)
    by_address = recent.filter(ip_address=address).count() if address else 0
    by_name = recent.filter(username=username).count() if username else 0
    return max(by_address, by_name)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind STEPWISE_PROXY_COUNT trusted proxies the
    address the outermost of them saw (X-Forwarded-For read from the right, never the left,
    which the client writes)."""
    proxies = settings.STEPWISE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Axes' lockout answer: a page in the site's style, 429 with Retry-After."""
    wait = cool_off(request)
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": max(1, round(wait.total_seconds() / 60))},
        status=429,
    )
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response

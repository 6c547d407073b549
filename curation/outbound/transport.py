"""httpx transports whose every connection goes to an address checked by the policy.

httpx hands connecting to httpcore's network backend with the URL's host name. The guarded
backends below resolve that name once (``policy.vet_host``), refuse it unless every address is
allowed, and open the socket to one of the checked addresses themselves. The request keeps its
URL, so the Host header, TLS SNI and certificate verification all use the host name, connection
pooling stays per host name, and nothing between the check and the socket can look the name up
again (the DNS-rebinding race). A pooled connection was checked when it was opened.

The transports are httpx's own with this backend swapped in (``_pool`` is rebuilt with the same
arguments httpx 0.29 passes, plus ``network_backend``); proxies and environment settings are
never used, since a proxy would connect on our behalf to wherever it likes.
"""
from __future__ import annotations

import ssl
from collections.abc import Iterable

import anyio
import httpcore
import httpx

from .policy import Allowlist, Resolver, vet_host


class GuardedBackend(httpcore.SyncBackend):
    """Sync sockets, opened only to vetted addresses of the requested host."""

    def __init__(self, allow: Allowlist, resolver: Resolver | None = None, inner=None) -> None:
        self.allow, self.resolver = allow, resolver
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = vet_host(host, port, self.allow, resolver=self.resolver)
        return _first_connecting(
            addresses, lambda ip: self.inner.connect_tcp(ip, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(self, *args, **kwargs):  # never: only TCP to vetted addresses
        raise httpcore.ConnectError("unix sockets are not allowed")


class GuardedAsyncBackend(httpcore.AnyIOBackend):
    """Async (anyio) sockets, opened only to vetted addresses of the requested host."""

    def __init__(self, allow: Allowlist, resolver: Resolver | None = None, inner=None) -> None:
        self.allow, self.resolver = allow, resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        # The lookup blocks (getaddrinfo): run it in a worker thread, as anyio's own does.
        addresses = await anyio.to_thread.run_sync(
            lambda: vet_host(host, port, self.allow, resolver=self.resolver)
        )
        last_error: Exception | None = None
        for ip in addresses:
            try:
                return await self.inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        raise last_error or httpcore.ConnectError("no address")

    async def connect_unix_socket(self, *args, **kwargs):
        raise httpcore.ConnectError("unix sockets are not allowed")


def _first_connecting(addresses: Iterable[str], connect):
    last_error: Exception | None = None
    for ip in addresses:
        try:
            return connect(ip)
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
            last_error = error
    raise last_error or httpcore.ConnectError("no address")


def _pool_arguments(verify: ssl.SSLContext | bool, limits: httpx.Limits) -> dict:
    return {
        "ssl_context": httpx.create_ssl_context(verify=verify, trust_env=False),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` connecting through ``GuardedBackend``."""

    def __init__(
        self, allow: Allowlist, *, resolver: Resolver | None = None,
        verify: ssl.SSLContext | bool = True, limits: httpx.Limits = httpx.Limits(), inner=None,
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            **_pool_arguments(verify, limits), network_backend=GuardedBackend(allow, resolver, inner)
        )


class GuardedAsyncTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` connecting through ``GuardedAsyncBackend``."""

    def __init__(
        self, allow: Allowlist, *, resolver: Resolver | None = None,
        verify: ssl.SSLContext | bool = True, limits: httpx.Limits = httpx.Limits(), inner=None,
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            **_pool_arguments(verify, limits),
            network_backend=GuardedAsyncBackend(allow, resolver, inner),
        )

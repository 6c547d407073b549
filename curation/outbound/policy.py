"""Which URLs may be fetched: http(s) only, to hosts whose every address is public, or allowed.

``check_url`` is what registration calls; the guarded transport calls ``vet_host`` again when it
opens a connection, and connects to the addresses vetted there (one lookup per connection, so a
DNS answer that changes between the check and the connection cannot redirect it inside).

The operator (never a project member) may allow private deployments: ``parse_allowlist`` reads
the comma-separated value of ``STEPWISE_OUTBOUND_ALLOW`` ("models.internal, 10.8.0.0/16,
.corp.example"): host names (a leading dot allows every sub-domain) and addresses or CIDR ranges.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from .errors import OutboundRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses it resolves to, as strings. Tests pass their own.
Resolver = Callable[[str, int], list[str]]

SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Allowlist:
    """Hosts and networks the operator allows although they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = field(default_factory=tuple)

    def allows_host(self, host: str) -> bool:
        name = _normal_host(host)
        return any(
            name == entry or (entry.startswith(".") and name.endswith(entry))
            for entry in self.hosts
        )

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


NOTHING_ALLOWED = Allowlist()


def parse_allowlist(value: str | Iterable[str] | None) -> Allowlist:
    """An ``Allowlist`` from ``"host, .domain, 10.0.0.0/8, 127.0.0.1"`` (or a list of entries).

    Raises ValueError naming the entry that is neither a host name nor an address or range.
    """
    entries = value.split(",") if isinstance(value, str) else list(value or [])
    hosts, networks = set(), []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        name = _normal_host(entry)
        if not name.lstrip(".") or any(ch in name for ch in "/:@ "):
            raise ValueError(f"STEPWISE_OUTBOUND_ALLOW: {entry!r} is not a host name or CIDR range")
        hosts.add(name)
    return Allowlist(frozenset(hosts), tuple(networks))


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (getaddrinfo), in the resolver's order, once each."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_problem(address: IPAddress) -> str | None:
    """Why ``address`` must not be reached ("loopback", "private", ...), or None when public.

    IPv6 forms that carry an IPv4 address (mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64) are
    judged by the IPv4 address they carry.
    """
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_problem(embedded)
    for problem, test in (
        ("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
        ("link-local", address.is_link_local), ("multicast", address.is_multicast),
        ("private", address.is_private), ("reserved", address.is_reserved),
    ):
        if test:
            return problem
    return None if address.is_global else "non-public"


def check_url(url: str, allow: Allowlist = NOTHING_ALLOWED, *, resolver: Resolver | None = None) -> None:
    """Raise ``OutboundRefused`` unless ``url`` may be requested; return None when it may.

    Checks the scheme and the host, then resolves the host: every address must be public, or
    the host or address allowed by ``allow``. Call it when a URL is registered; the guarded
    client checks again at every connection.
    """
    host, port = split_url(url)
    vet_host(host, port, allow, resolver=resolver)


def split_url(url: str | httpx.URL) -> tuple[str, int]:
    """The host and port of an http(s) URL; ``OutboundRefused`` for anything else."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise OutboundRefused("not a valid URL") from None
    if parsed.scheme not in SCHEMES:
        raise OutboundRefused(f"only http and https URLs are allowed, not {parsed.scheme or 'none'!r}")
    if not parsed.host:
        raise OutboundRefused("the URL has no host")
    return parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)


def vet_host(
    host: str, port: int, allow: Allowlist = NOTHING_ALLOWED, *, resolver: Resolver | None = None
) -> list[str]:
    """The addresses to connect to for ``host`` (resolved once), each of them checked."""
    literal = _as_address(host)
    addresses = [host.strip("[]")] if literal else _resolve(host, port, resolver or system_resolver)
    host_allowed = literal is None and allow.allows_host(host)
    for text in addresses:
        address = _as_address(text)
        if address is None:
            raise OutboundRefused(f"host {host!r} resolved to something that is not an address")
        problem = address_problem(address)
        if problem is None or (problem != "unspecified" and (host_allowed or allow.allows_address(address))):
            continue
        # The address itself is shown only when the user typed it: for a name, showing what it
        # resolves to inside the network would leak the internal DNS.
        shown = f"{host!r} is" if literal else f"host {host!r} resolves to"
        raise OutboundRefused(
            f"{shown} a {problem} address; an operator can allow it with STEPWISE_OUTBOUND_ALLOW"
        )
    return addresses


def _resolve(host: str, port: int, resolver: Resolver) -> list[str]:
    try:
        addresses = list(resolver(host, port))
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise OutboundRefused(f"host {host!r} could not be resolved")
    return addresses


def _as_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".")

# SPDX-License-Identifier: MIT
"""Who is asking: the client address the rate limits count, proxy headers honoured only if trusted.

Anyone can send ``X-Forwarded-For``; believing it from everyone would let a client pick a fresh
address for every request and never meet a per-client limit. So the header is read only when the
connection comes from one of ``MOBILITY_TRUSTED_PROXIES`` (addresses or networks), and then
from the right: the first address that is not itself a trusted proxy is the client (the left
part of the header is whatever the client wrote).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from starlette.types import Scope

Network = IPv4Network | IPv6Network


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Parse the trusted proxies (``10.0.0.5``, ``10.0.0.0/8``, ``::1``) into networks."""
    return tuple(ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    """Tell whether an address (any text) is inside one of the trusted networks."""
    if not networks:
        return False
    try:
        parsed = ip_address(address.strip())
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def forwarded_for(scope: Scope) -> list[str]:
    """Return the addresses of every ``X-Forwarded-For`` header, in order (left: the farthest)."""
    addresses: list[str] = []
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            addresses += [part.strip() for part in value.decode("latin-1").split(",")]
    return [address for address in addresses if address]


def client_address(scope: Scope, proxies: tuple[Network, ...]) -> str:
    """Return the client's address: the peer, or, behind trusted proxies, whom they forward for."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not is_trusted(peer, proxies):
        return peer
    chain = forwarded_for(scope)
    for address in reversed(chain):
        if not is_trusted(address, proxies):
            return address
    return chain[0] if chain else peer

"""The client's address: the one place that reads ``REMOTE_ADDR`` and ``X-Forwarded-For``.

Login lockout, API throttles, the self-assessment rate limit and audit entries all key on the
address this module returns, so a header an attacker controls can never pick their bucket.

``ASIS_TRUSTED_PROXIES`` lists the reverse proxies (addresses or CIDR networks) whose
``X-Forwarded-For`` is believed. Empty (the default): nobody is trusted and the client is
``REMOTE_ADDR``. Otherwise, when ``REMOTE_ADDR`` is a trusted proxy, the header is walked from
the right (each proxy appends the address it received the request from), skipping trusted
proxies; the first untrusted entry is the client. Entries left of it were written by the client
and are ignored. A malformed entry stops the walk at the last trusted hop, never at a string
the client chose.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(value: Any) -> Address | None:
    """An IP address from a header entry, or None; IPv4-mapped IPv6 counts as its IPv4 address."""
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # Invalid entries are reported by the asis.E001 system check; here they trust nobody.
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "ASIS_TRUSTED_PROXIES", ()) or ()))


def invalid_proxy_entries(entries: Any) -> list[str]:
    """The entries of a ``ASIS_TRUSTED_PROXIES`` value that are not an address or a network."""
    bad = []
    for entry in entries or ():
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            bad.append(str(entry))
    return bad


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: Any) -> str:
    """The client's address as text ("" when even ``REMOTE_ADDR`` is missing or malformed)."""
    meta = getattr(request, "META", {})
    remote = parse_address(meta.get("REMOTE_ADDR"))
    if remote is None:
        return ""
    networks = trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    for entry in reversed(str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")):
        hop = parse_address(entry)
        if hop is None:
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)

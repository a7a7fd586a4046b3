"""Which webhook URLs may be called: by default only hosts on public addresses, so that a
tenant's `callback_url` cannot make the workers reach the service's own network (SSRF: cloud
metadata at 169.254.169.254, Redis or the database on loopback, private admin endpoints)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOW_SETTING = "MODERATION_WEBHOOK_ALLOW_PRIVATE_NETWORKS"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable address (an IPv4-mapped IPv6 address counts as its IPv4)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # Zone ids ("fe80::1%eth0") are not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def refusal(url: str, allow_private: bool) -> str | None:
    """Why `url` must not be called, or None when it may be.

    A host that does not resolve is left to the HTTP attempt, which reports it like any other
    network error. The check resolves the name itself, so a name that a hostile DNS server
    answers differently a moment later (DNS rebinding) is not covered; network egress rules
    are the complete defence.
    """
    if allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return "refused: the URL has no host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        return None
    for ip in addresses:
        if not is_public(ip):
            return (
                f"refused: {host} is {ip}, not a public address "
                f"(set {ALLOW_SETTING}=1 to allow private networks)"
            )
    return None

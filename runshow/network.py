"""Where the screens can reach this server on the venue's network."""

from __future__ import annotations

import socket

import psutil


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces that are up, LAN ones first,
    loopback last."""
    stats = psutil.net_if_stats()
    found: list[str] = []
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family == socket.AF_INET and address.address not in found:
                found.append(address.address)
    return sorted(found, key=lambda ip: (ip.startswith("127."), ip))


def base_urls(host: str, port: int) -> list[str]:
    """The http:// addresses a server listening on `host`:`port` answers at."""
    hosts = lan_addresses() if host in ("0.0.0.0", "") else [host]
    return [f"http://{address}:{port}" for address in hosts]

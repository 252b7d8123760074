"""Where a server cgt-atlas starts can be reached from: a word before the warehouse is shown to a network."""

from __future__ import annotations

import ipaddress
import socket


def is_loopback(host: str) -> bool:
    """True when every address `host` names is this machine's own (127.0.0.0/8, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # an unresolvable name: the server will say so; no promise it is local
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def exposure_warning(host: str, port: int) -> str | None:
    """One line to print before listening beyond 127.0.0.1, or None when only this machine can connect."""
    if is_loopback(host):
        return None
    where = "every network interface" if host in ("0.0.0.0", "::", "") else host
    return (
        f"warning: listening on {where} (port {port}): anyone who can reach this port can read the "
        "warehouse's data; use --host 127.0.0.1 to keep it on this machine."
    )

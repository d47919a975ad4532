"""Small helpers rule families share: where a finding points, and how a URL is read."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from envcheck.model import Location, Target
from envcheck.rules.registry import Hit

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def where(target: Target, name: str | None = None) -> Location:
    """The line of the variable when the target has it, else the target's own location."""
    if name:
        var = target.get(name)
        if var is not None:
            return var.location
        ref = target.secret(name)
        if ref is not None:
            return ref.location
    return target.location


def url_parts(url: str) -> tuple[str, str] | None:
    """(scheme, host) of an absolute URL, lower-cased; None when it is not one."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if not parts.scheme or not host:
        return None
    return parts.scheme.lower(), host.lower()


def is_local_host(host: str) -> bool:
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def variable_hit(target: Target, name: str, message: str) -> Hit:
    """A finding about one variable of a target, pointing at its line."""
    return Hit(message, where(target, name), target.id, name)

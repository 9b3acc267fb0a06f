"""Fixed-window rate limits kept in the shared cache.

Every web process must see the same counts, so this uses Django's default cache (the database
cache, or Redis when configured), never process memory.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends; 0 when allowed


def _bucket(key: str, window: int) -> tuple[str, int]:
    now = time.time()
    start = int(now // window) * window
    return f"rl:{key}:{start}", max(1, int(start + window - now))


def hit(key: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt for `key`; allowed while the window holds at most `limit` attempts."""
    name, remaining = _bucket(key, window)
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window + 1)
        count = 1
    return Verdict(True, 0) if count <= limit else Verdict(False, remaining)


def peek(key: str, *, limit: int, window: int) -> Verdict:
    """Say whether one more attempt would be allowed, without counting it."""
    name, remaining = _bucket(key, window)
    count = cache.get(name, 0)
    return Verdict(True, 0) if count < limit else Verdict(False, remaining)


def reset(key: str, *, window: int) -> None:
    """Forget the attempts of the current window (e.g. after a successful sign-in)."""
    name, _ = _bucket(key, window)
    cache.delete(name)


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting only as many X-Forwarded-For hops as proxies we run."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "unknown")


def client_key(request: HttpRequest) -> str:
    """The key limits per client address use: the IPv4 address, or the /64 of an IPv6 address
    (one household or server usually holds a whole /64, so its addresses count as one)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def wait_phrase(seconds: int) -> str:
    """'in 5 minutes' style wording for messages that tell a user when to try again."""
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    return f"in {hours} hour{'s' if hours != 1 else ''}"

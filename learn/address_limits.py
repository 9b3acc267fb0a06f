"""Limits per client address on the run endpoint, on top of the per-learner ones (issue 14).

A client address is the IPv4 address or the IPv6 /64 (`ratelimit.client_key`, which honours
TRUSTED_PROXY_COUNT). Per address and window the site counts runs, sessions that a run request
had to create, and new kernels, so a flood without cookies or with many sessions runs out of
budget while learners elsewhere keep running. Budgets are far above one learner's, for a class
behind one NAT.

A run request without a session gets one (refusing would break a first run from a page that
did not need a session), but that session counts against its address: past
SANDBOX_NEW_SESSIONS_PER_ADDRESS the request is refused before any session or kernel exists.

Whether a run will start a new kernel is known from a marker in the shared cache that lives as
long as an idle kernel does; a kernel the runner dropped early is simply not counted.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from agenticworks import ratelimit


def _marker(kernel_id: str) -> str:
    return f"sandbox:live:{kernel_id}"


def _refusal(key: str, limit: int, what: str, *, window: int | None = None) -> str | None:
    verdict = ratelimit.hit(key, limit=limit, window=window or settings.SANDBOX_ADDRESS_WINDOW)
    if verdict.allowed:
        return None
    wait = ratelimit.wait_phrase(verdict.retry_after)
    return f"Too many {what} from your network; try again {wait}."


def before_session(request: HttpRequest) -> str | None:
    """Count this run and, if it would create a session, that session, against the caller's
    address. A message for a 429 answer, or None."""
    address = ratelimit.client_key(request)
    refused = _refusal(
        f"sandbox-run-addr:{address}",
        settings.SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS,
        "runs in a short time",
        window=60,
    )
    if refused or request.user.is_authenticated or request.session.session_key:
        return refused
    return _refusal(
        f"sandbox-session-addr:{address}",
        settings.SANDBOX_NEW_SESSIONS_PER_ADDRESS,
        "new visitors running code",
    )


def before_new_session(request: HttpRequest) -> str | None:
    """Count the session a cookieless visitor's request would create (a first hint, say)
    against the caller's address, like a run's. A message for a 429 answer, or None."""
    if request.user.is_authenticated or request.session.session_key:
        return None
    return _refusal(
        f"sandbox-session-addr:{ratelimit.client_key(request)}",
        settings.SANDBOX_NEW_SESSIONS_PER_ADDRESS,
        "new visitors",
    )


def before_kernel(request: HttpRequest, kernel_id: str) -> str | None:
    """Count a new kernel against the caller's address when this run will start one."""
    if cache.get(_marker(kernel_id)):
        return None
    return _refusal(
        f"sandbox-kernel-addr:{ratelimit.client_key(request)}",
        settings.SANDBOX_NEW_KERNELS_PER_ADDRESS,
        "new kernels",
    )


def kernel_seen(kernel_id: str) -> None:
    """The kernel exists on its runner now (until it has been idle as long as culling allows)."""
    cache.set(_marker(kernel_id), True, settings.SANDBOX_IDLE_SECONDS)


def kernel_gone(kernel_id: str) -> None:
    """The kernel was stopped (restart): the next run starts, and counts, a new one."""
    cache.delete(_marker(kernel_id))

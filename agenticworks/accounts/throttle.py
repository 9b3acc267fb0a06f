"""Sign-in throttling: too many failures for one account, or from one address, pause sign-in."""

from django.conf import settings
from django.http import HttpRequest

from agenticworks import ratelimit


def _keys(request: HttpRequest, login: str) -> list[tuple[str, int]]:
    return [
        (f"login-account:{login.strip().lower()}", settings.LOGIN_THROTTLE_PER_ACCOUNT),
        (f"login-ip:{ratelimit.client_ip(request)}", settings.LOGIN_THROTTLE_PER_IP),
    ]


def login_blocked_for(request: HttpRequest, login: str) -> int:
    """Seconds until sign-in may be tried again for this login and address; 0 if allowed."""
    window = settings.LOGIN_THROTTLE_WINDOW
    waits = [
        ratelimit.peek(key, limit=limit, window=window).retry_after
        for key, limit in _keys(request, login)
    ]
    return max(waits)


def login_failed(request: HttpRequest, login: str) -> None:
    for key, limit in _keys(request, login):
        ratelimit.hit(key, limit=limit, window=settings.LOGIN_THROTTLE_WINDOW)


def login_succeeded(request: HttpRequest, login: str) -> None:
    account_key, _ = _keys(request, login)[0]
    ratelimit.reset(account_key, window=settings.LOGIN_THROTTLE_WINDOW)

"""Sign-in throttling: too many failures for one account, or from one address, pause sign-in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest

from agenticworks import ratelimit


def _account(login: str) -> str:
    """One key per account whichever name it is signed in with (username or email, any case)."""
    login = login.strip().lower()
    pk = (
        get_user_model()
        .objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .values_list("pk", flat=True)
        .first()
    )
    return f"user{pk}" if pk else f"name:{login}"


def _keys(request: HttpRequest, login: str) -> list[tuple[str, int]]:
    return [
        (f"login-account:{_account(login)}", settings.LOGIN_THROTTLE_PER_ACCOUNT),
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

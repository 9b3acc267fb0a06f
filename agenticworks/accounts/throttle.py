"""Sign-in and password-reset throttling.

Sign-in: failures count per (account, address) pair, per address, and per account from
everywhere with a much higher ceiling. Someone elsewhere who knows a username can therefore slow
themselves down but cannot lock the owner out: only a flood from many addresses reaches the
account-wide ceiling.

Password reset: requests count per address and per email address asked for (whether or not an
account has it), and the refusal reads the same either way, so it reveals nothing.
"""

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


def _pair_key(request: HttpRequest, account: str) -> str:
    return f"login-pair:{account}:{ratelimit.client_key(request)}"


def _keys(request: HttpRequest, login: str) -> list[tuple[str, int]]:
    account = _account(login)
    return [
        (_pair_key(request, account), settings.LOGIN_THROTTLE_PER_ACCOUNT),
        (f"login-ip:{ratelimit.client_key(request)}", settings.LOGIN_THROTTLE_PER_IP),
        (f"login-account:{account}", settings.LOGIN_THROTTLE_PER_ACCOUNT_TOTAL),
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
    """Count one failed sign-in for this login from this address."""
    for key, limit in _keys(request, login):
        ratelimit.hit(key, limit=limit, window=settings.LOGIN_THROTTLE_WINDOW)


def login_succeeded(request: HttpRequest, login: str) -> None:
    """The owner got in from here: forget this address's failures for the account."""
    pair_key, _ = _keys(request, login)[0]
    ratelimit.reset(pair_key, window=settings.LOGIN_THROTTLE_WINDOW)


def password_reset_wait(request: HttpRequest, email: str) -> int:
    """Count one password-reset request; seconds to wait if it is one too many, else 0.
    Keyed by the email typed, not by the account, so the answer is the same for any address."""
    window = settings.PASSWORD_RESET_WINDOW
    verdicts = [
        ratelimit.hit(
            f"reset-ip:{ratelimit.client_key(request)}",
            limit=settings.PASSWORD_RESET_PER_IP,
            window=window,
        ),
        ratelimit.hit(
            f"reset-email:{email.strip().lower()}",
            limit=settings.PASSWORD_RESET_PER_ACCOUNT,
            window=window,
        ),
    ]
    return max(v.retry_after for v in verdicts)

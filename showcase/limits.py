"""Rate limits for creating projects and comments; new accounts get lower ones."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from agenticworks import ratelimit

HOUR = 3600


def is_new_account(user: AbstractBaseUser) -> bool:
    """Whether the account is younger than SHOWCASE_NEW_ACCOUNT_HOURS."""
    age = timezone.now() - user.date_joined
    return age < timedelta(hours=settings.SHOWCASE_NEW_ACCOUNT_HOURS)


def _check(user: AbstractBaseUser, kind: str, limit: int, new_limit: int, noun: str) -> None:
    new = is_new_account(user)
    key, limit = f"showcase-{kind}:{user.pk}", new_limit if new else limit
    # Peek first so that refused attempts do not count against the member.
    verdict = ratelimit.peek(key, limit=limit, window=HOUR)
    if verdict.allowed:
        verdict = ratelimit.hit(key, limit=limit, window=HOUR)
    if not verdict.allowed:
        why = " while your account is new" if new else ""
        raise ValidationError(
            f"You have posted as many {noun} as we allow in an hour{why}. "
            f"Please try again {ratelimit.wait_phrase(verdict.retry_after)}.",
            code="rate_limited",
        )


def project_rate_check(user: AbstractBaseUser) -> None:
    """Count one new project (or shared draft); raise ValidationError when over the limit."""
    _check(
        user,
        "project",
        settings.SHOWCASE_PROJECTS_PER_HOUR,
        settings.SHOWCASE_PROJECTS_PER_HOUR_NEW,
        "projects",
    )


def comment_rate_check(user: AbstractBaseUser) -> None:
    """Count one new comment; raise ValidationError when over the limit."""
    _check(
        user,
        "comment",
        settings.SHOWCASE_COMMENTS_PER_HOUR,
        settings.SHOWCASE_COMMENTS_PER_HOUR_NEW,
        "comments",
    )

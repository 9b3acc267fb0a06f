"""Limits on posting that keep spam out without getting in learners' way.

Everyone waits a little between posts and cannot post the same text twice in a short window.
New members (a young account, or no lesson section completed yet) post fewer topics and
replies a day, wait longer between posts, and cannot put links off the site in their first
post. Counts come from the member's own posts in the database, so the limits are exact and a
refusal can say when posting will work again. Every limit is a FORUM_* setting.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from agenticworks.ratelimit import wait_phrase
from learn.progress import completed_section_count

from .models import Post
from .permissions import is_moderator
from .rendering import has_external_links

DAY = timedelta(days=1)


def is_new_member(user) -> bool:
    """A young account or one that has not completed a lesson section yet."""
    if is_moderator(user):
        return False
    young = user.date_joined > timezone.now() - timedelta(seconds=settings.FORUM_NEW_MEMBER_AGE)
    return young or completed_section_count(user) == 0


def _seconds_until(moment) -> int:
    return max(1, int((moment - timezone.now()).total_seconds()) + 1)


def check_post_allowed(user, *, body: str, body_html: str, new_topic: bool) -> None:
    """Raise ValidationError saying why and when posting works again, if it is refused now."""
    now = timezone.now()
    new = is_new_member(user)
    own = Post.objects.filter(author=user)

    interval = settings.FORUM_NEW_MEMBER_POST_INTERVAL if new else settings.FORUM_POST_INTERVAL
    last = own.order_by("-created_at").values_list("created_at", flat=True).first()
    if last and interval and now - last < timedelta(seconds=interval):
        wait = _seconds_until(last + timedelta(seconds=interval))
        raise ValidationError(
            f"You posted a moment ago. You can post again {wait_phrase(wait)}.", code="too_soon"
        )

    window_start = now - timedelta(seconds=settings.FORUM_DUPLICATE_WINDOW)
    duplicate = (
        own.filter(created_at__gt=window_start, body=body.strip(), is_deleted=False)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if duplicate:
        wait = _seconds_until(duplicate + timedelta(seconds=settings.FORUM_DUPLICATE_WINDOW))
        raise ValidationError(
            f"You just posted exactly this. Change the text, or post it again {wait_phrase(wait)}.",
            code="duplicate",
        )

    if new_topic:
        limit = settings.FORUM_NEW_MEMBER_TOPICS_PER_DAY if new else settings.FORUM_TOPICS_PER_DAY
        recent = own.filter(position=1, created_at__gt=now - DAY)
        what = "topics"
    else:
        limit = settings.FORUM_NEW_MEMBER_REPLIES_PER_DAY if new else settings.FORUM_REPLIES_PER_DAY
        recent = own.filter(position__gt=1, created_at__gt=now - DAY)
        what = "replies"
    times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) >= limit:
        wait = _seconds_until(times[-1] + DAY)
        who = "New members can" if new else "You can"
        raise ValidationError(
            f"{who} post {limit} {what} a day. You can post again {wait_phrase(wait)}.",
            code="daily_limit",
        )

    if new and not own.exists() and has_external_links(body_html):
        raise ValidationError(
            "New members cannot link to other sites in their first post. Post it without the "
            "link now; you can add links from your second post on, or once you have completed "
            "a lesson section and your account is a day old.",
            code="first_post_links",
        )

"""Limits on posting that keep spam out without getting in learners' way.

Everyone waits a little between posts and cannot post the same text twice in a short window.
New members (no lesson section completed yet, or a young account that has completed fewer than
FORUM_TRUSTED_SECTIONS) post fewer topics and replies a day, wait longer between posts, and
cannot put links off the site in their first post. Trust is earned by learning: completing
sections lifts the limits at once, and every refusal says how many are left to go. Counts
come from the member's own posts in the database, so the limits are exact and a refusal can
say when posting will work again. Every limit is a FORUM_* setting.
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


def sections_to_trust(user) -> int:
    """How many more lesson sections lift this member's new-member limits (0: none apply)."""
    if is_moderator(user):
        return 0
    done = completed_section_count(user)
    young = user.date_joined > timezone.now() - timedelta(seconds=settings.FORUM_NEW_MEMBER_AGE)
    needed = settings.FORUM_TRUSTED_SECTIONS if young else 1
    return max(0, needed - done)


def is_new_member(user) -> bool:
    """No lesson section completed yet, or a young account that has completed only a few."""
    return sections_to_trust(user) > 0


def _lift_words(user) -> str:
    left = sections_to_trust(user)
    plural = "section" if left == 1 else "sections"
    return f" Complete {left} more lesson {plural} to lift this limit at once, or post"


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
        again = _lift_words(user) if new else " You can post"
        raise ValidationError(
            f"You posted a moment ago.{again} again {wait_phrase(wait)}.", code="too_soon"
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
        again = _lift_words(user) if new else " You can post"
        raise ValidationError(
            f"{who} post {limit} {what} a day.{again} again {wait_phrase(wait)}.",
            code="daily_limit",
        )

    if new and not own.exists() and has_external_links(body_html):
        raise ValidationError(
            "New members cannot link to other sites in their first post. Post it without the "
            "link now; you can add links from your second post on, or as soon as you have "
            f"completed {sections_to_trust(user)} more lesson section(s).",
            code="first_post_links",
        )

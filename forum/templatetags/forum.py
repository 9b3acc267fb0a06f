"""Template helpers for forum pages and the site header."""

from html.parser import HTMLParser

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from agenticworks.markup import clean_html
from forum.notifications import unread_count
from forum.permissions import is_moderator
from forum.selectors import topics_for_part

register = template.Library()


@register.simple_tag
def unread_notifications_count(user) -> int:
    """The member's unread notifications, for the header badge (one COUNT query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)


@register.simple_tag
def reltime(moment):
    """'3 hours ago' in a <time> element with the exact time on hover."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        date_format(local, "j F Y, H:i T"),
        naturaltime(moment),
    )


def _profile(user):
    try:
        return user.profile
    except ObjectDoesNotExist:  # accounts made outside sign-up may have no profile yet
        return None


@register.filter
def member_name(user) -> str:
    """A member's display name, or their username."""
    if user is None:
        return "a former member"
    profile = _profile(user)
    return profile.name if profile else user.username


@register.filter
def member_initials(user) -> str:
    if user is None:
        return "?"
    profile = _profile(user)
    return profile.initials if profile else user.username[:2].upper()


@register.simple_tag
def forum_moderator(user) -> bool:
    """Whether to show moderators' links (remembered on the user for the request)."""
    return is_moderator(user)


@register.filter
def sanitized(html: str):
    """Stored post HTML, cleaned again on the way out: if the allow-list tightens, old posts
    follow, and nothing written to the column by other means reaches a page unchecked."""
    return mark_safe(clean_html(html or ""))


@register.inclusion_tag("forum/_part_discussion.html", takes_context=True)
def part_discussion(context, part_key: str, limit: int = 5) -> dict:
    """The lesson page's "Discussion" box: this part's topics and "Ask about this part".
    Use: {% load forum %}{% part_discussion part.key %}"""
    user = context.get("user") or context["request"].user
    return {"part_key": part_key, "topics": topics_for_part(user, part_key, limit=limit)}


class _Text(HTMLParser):
    """The text of HTML, keeping apart what stands inside quotes (someone else's words)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.quoted: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "blockquote"

    def handle_endtag(self, tag):
        self.depth -= tag == "blockquote" and self.depth > 0

    def handle_data(self, data):
        (self.quoted if self.depth else self.parts).append(data)


@register.filter
def excerpt(html: str, length: int = 240) -> str:
    """The opening words of rendered HTML as plain text (for autoescaping), shortened. Quoted
    text is left out, so a reply that starts by quoting shows its own words."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    text = " ".join("".join(parser.parts).split()) or " ".join("".join(parser.quoted).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"

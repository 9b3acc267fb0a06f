"""Post bodies to safe HTML: the site's Markdown (raw HTML off, then nh3) plus @mentions."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown import Extension
from markdown.inlinepatterns import InlineProcessor

from agenticworks.markup import clean_html, make_markdown

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_.+-]{1,150})")
MENTION_PATTERN = r"(?<![\w@/.])@([A-Za-z0-9_.+-]{1,150})"


def mentioned_usernames(text: str) -> set[str]:
    """Usernames written as @name in the text (outside code is decided by the renderer)."""
    return {name.rstrip(".") for name in MENTION.findall(text or "")}


class _MentionProcessor(InlineProcessor):
    def __init__(self, pattern, md, known: dict[str, str]):
        super().__init__(pattern, md)
        self.known = known

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 - Markdown's API name
        name = m.group(1).rstrip(".")
        username = self.known.get(name.lower())
        if username is None:
            return None, None, None
        link = Element("a")
        link.set("href", reverse("member", args=[username]))
        link.text = f"@{username}"
        return link, m.start(0), m.start(0) + 1 + len(name)


class _MentionExtension(Extension):
    def __init__(self, known: dict[str, str]):
        super().__init__()
        self.known = known

    def extendMarkdown(self, md) -> None:  # noqa: N802
        md.inlinePatterns.register(
            _MentionProcessor(MENTION_PATTERN, md, self.known), "mention", 60
        )


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    mentions: list  # users mentioned outside code, existing accounts only


def render_post(text: str) -> Rendered:
    """Render a post body; @names of existing members become links to their profiles."""
    names = mentioned_usernames(text)
    users = []
    if names:
        User = get_user_model()
        users = list(User.objects.filter(username__in=names, is_active=True))
    known = {user.username.lower(): user.username for user in users}
    html = clean_html(make_markdown(_MentionExtension(known)).convert(text or ""))
    linked = set(_linked_members(html))
    # Trusted: clean_html has just sanitized it.
    return Rendered(mark_safe(html), [u for u in users if u.username in linked])


def _linked_members(html: str) -> list[str]:
    prefix = reverse("member", args=["x"])[:-2]
    return [
        href[len(prefix) :].strip("/")
        for href in LinkCollector.collect(html).hrefs
        if href.startswith(prefix)
    ]


class LinkCollector(HTMLParser):
    """The links and the prose (text outside code) of rendered HTML, for the anti-spam rule."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.prose: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self._in_code += 1
        self.hrefs.extend(value for name, value in attrs if name == "href" and value)

    def handle_endtag(self, tag):
        if tag in ("code", "pre") and self._in_code:
            self._in_code -= 1

    def handle_data(self, data):
        if not self._in_code:
            self.prose.append(data)

    @classmethod
    def collect(cls, html: str) -> "LinkCollector":
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser


BARE_URL = re.compile(r"(https?://|www\.)\S", re.I)


def has_external_links(html: str) -> bool:
    """Whether rendered HTML links off the site, or names a web address outside code.
    Links to pages here (a lesson part, a shared plot) are fine."""
    found = LinkCollector.collect(html)
    if BARE_URL.search(" ".join(found.prose)):
        return True
    return any(
        href.startswith("//") or not href.startswith(("/", "#", "?")) for href in found.hrefs
    )

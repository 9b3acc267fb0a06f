"""Checking whole pages for markup that a person's text could have smuggled in.

The corpus and the markup check come from the forum's security tests (`tests/security`). Pages
also hold the site's own markup (its module script, forms, meta tags), so the check runs on
`<main>` with the site's own form tags taken out, and the `<head>` is checked for exactly the
tags the site puts there.
"""

import re
from html.parser import HTMLParser

from tests.security.markup import assert_no_executable_markup

MAIN = re.compile(r"<main\b[^>]*>(?P<inner>.*)</main>", re.S)
HEAD = re.compile(r"<head>(?P<inner>.*)</head>", re.S)
# The site's own forms: method first, then only a site-relative action and plain attributes.
SITE_FORM = re.compile(
    r'<form method="(?:post|get)"(?: action="/[^"<>]*")?'
    r'(?: (?:class|role|enctype)="[^"<>]*"| novalidate)*>|</form>'
)


class _HeadTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_head_is_the_sites_own(html: str) -> None:
    """Only the tags base.html and our templates put in <head>; user text only as text."""
    parser = _HeadTags()
    parser.feed(HEAD.search(html).group("inner"))
    for tag, attrs in parser.tags:
        assert tag in {"meta", "title", "link", "script"}, f"unexpected <{tag}> in <head>"
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        if tag == "link":
            assert attrs.get("href", "").startswith(("/static/", "/field-reports/")), attrs
        if tag == "meta":
            assert set(attrs) <= {"charset", "name", "content"}, attrs
            assert attrs.get("name") in {None, "viewport", "color-scheme", "description"}, attrs


def assert_safe_page(html: str) -> None:
    """Nothing executable anywhere a person's text can reach on this page."""
    assert_head_is_the_sites_own(html)
    assert_no_executable_markup(SITE_FORM.sub("", MAIN.search(html).group("inner")))

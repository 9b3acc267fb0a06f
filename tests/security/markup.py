"""Checks that HTML (a fragment, a whole page or an Atom feed) holds nothing executable.

`assert_no_executable_markup(html)` is strict: it is meant for user content (a rendered post,
a feed entry). `assert_no_executable_markup(html, page=True)` is for whole pages and allows
only the site's own chrome in its known shapes: module scripts loaded from /static/ (and the
theme script), same-site
stylesheets/icons/feeds, plain <meta> tags and forms that post to this site.
"""

import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "script", "svg", "iframe", "frame", "frameset", "object", "embed", "applet", "style",
    "form", "meta", "link", "base", "math-script",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "lowsrc", "dynsrc", "codebase", "cite", "ping", "manifest",
}  # fmt: skip
THEME_SCRIPT = re.compile(r"^/static/js/theme(\.[0-9a-f]{12})?\.js$")
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.I)
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def _is_bad_url(value: str) -> bool:
    return bool(BAD_SCHEME.match(_IGNORED_IN_SCHEME.sub("", value or "")))


def _site_chrome(tag: str, attrs: dict[str, str]) -> bool:
    """The site's own tags that a page may contain (never produced from user input)."""
    if tag == "script":
        src = attrs.get("src", "")
        # Module scripts from /static/, and the one classic script that must run before the
        # first paint (the theme choice).
        return (attrs.get("type") == "module" and src.startswith("/static/")) or bool(
            THEME_SCRIPT.match(src)
        )
    if tag == "link":
        href = attrs.get("href", "")
        return attrs.get("rel") in {"stylesheet", "icon", "alternate"} and (
            href.startswith("/") and not href.startswith("//")
        )
    if tag == "meta":
        return "http-equiv" not in attrs
    if tag == "form":
        action = attrs.get("action", "")
        return action == "" or (action.startswith("/") and not action.startswith("//"))
    return False


class _Scanner(HTMLParser):
    def __init__(self, *, page: bool):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.problems: list[str] = []
        self._open_scripts = 0

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self._open_scripts += 1

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self._open_scripts:
            self._open_scripts -= 1

    def handle_data(self, data):
        if self._open_scripts and data.strip():
            self.problems.append(f"inline script content: {data.strip()[:80]!r}")

    def _check(self, tag: str, attr_list):
        attrs = {name.lower(): (value or "") for name, value in attr_list}
        shown = self.get_starttag_text() or f"<{tag}>"
        if tag in FORBIDDEN_TAGS and not (self.page and _site_chrome(tag, attrs)):
            self.problems.append(f"forbidden tag: {shown[:120]}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name!r}: {shown[:120]}")
            if name == "style":
                self.problems.append(f"style attribute: {shown[:120]}")
            if (name in URL_ATTRIBUTES or name.endswith(":href")) and _is_bad_url(value):
                self.problems.append(f"dangerous URL in {name!r}: {shown[:120]}")
            if name == "http-equiv":
                self.problems.append(f"http-equiv: {shown[:120]}")


def executable_markup(html: str, *, page: bool = False) -> list[str]:
    """Describe every executable thing found in the HTML (empty list: none)."""
    scanner = _Scanner(page=page)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def assert_no_executable_markup(html: str, *, page: bool = False) -> None:
    """Fail if the HTML holds a script, an event handler, a script URL, an active element
    (svg, iframe, object, embed, style, form, meta, link, base) or a style attribute."""
    problems = executable_markup(html, page=page)
    assert not problems, "executable markup found:\n" + "\n".join(problems)


ATOM = "{http://www.w3.org/2005/Atom}"


def assert_feed_safe(xml: str) -> None:
    """Fail if an Atom feed carries executable markup: every element must be Atom (nothing
    broke out of the escaping), HTML fields (type="html") must be clean once a reader unescapes
    them, and links must not use script URLs. Text fields are shown as text by readers."""
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own feed, in a test
    for element in root.iter():
        assert element.tag.startswith(ATOM), f"unexpected element in feed: {element.tag}"
        if element.get("type") in ("html", "xhtml"):
            assert_no_executable_markup(element.text or "")
        for name in ("href", "src"):
            assert not _is_bad_url(element.get(name, "")), (
                f"dangerous URL in feed: {element.get(name)!r}"
            )

"""Markdown to safe HTML, for everything a person types: forum posts, project descriptions,
comments, field reports and profile bios.

Markdown runs with raw HTML switched off, so `<script>` arrives as text; the result then goes
through nh3 with an allow-list, so nothing executable survives even if a Markdown extension
misbehaves. Maths between `$…$` or `$$…$$` becomes MathML on the server.
"""

import re
from functools import lru_cache

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from latex2mathml.converter import convert as latex_to_mathml
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "menclose", "mpadded", "mphantom", "merror",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "width", "height", "depth", "linethickness", "displaystyle", "scriptlevel", "accent",
    "accentunder", "notation", "columnalign", "rowspacing", "columnspacing", "movablelimits",
    "minsize", "maxsize", "symmetric", "largeop", "form", "encoding",
}  # fmt: skip

BASE_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "kbd", "samp", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "span", "div", "sup", "sub", "dl", "dt", "dd",
}  # fmt: skip

ALLOWED_TAGS = BASE_TAGS | MATHML_TAGS
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "p": {"class"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _is_local_path(value: str) -> bool:
    """A path on this site. Browsers read a backslash as a slash and drop tabs and newlines, so
    "/\\evil.example/p.png" or "/\t/evil.example" would load from another host: refuse those,
    control characters, and protocol-relative "//" addresses."""
    if not value.startswith("/") or value.startswith("//"):
        return False
    return not any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    # Images only from this site: a remote image would leak readers' addresses and break CSP.
    if tag == "img" and attr == "src":
        return value if _is_local_path(value) else None
    if tag == "a" and attr == "href" and value.startswith(("/", "\\")):
        return value if _is_local_path(value) else None
    if attr == "class":
        # Only the classes our own renderer produces (highlighting, admonitions, maths).
        kept = [c for c in value.split() if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,29}", c)]
        return " ".join(kept) or None
    return value


def _mathml(latex: str, *, display: bool) -> str:
    try:
        return latex_to_mathml(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any parse failure shows the source instead
        return f'<code class="math-error">{escape(latex)}</code>'


DISPLAY_MATH = re.compile(r"^\$\$\s*\n?(?P<tex>.+?)\n?\s*\$\$\s*$", re.S | re.M)


class DisplayMathPreprocessor(Preprocessor):
    """Turn `$$ … $$` blocks into stashed MathML before block parsing sees them."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)

        def stash(match: re.Match) -> str:
            html = _mathml(match.group("tex").strip(), display=True)
            return "\n" + self.md.htmlStash.store(html) + "\n"

        return DISPLAY_MATH.sub(stash, text).split("\n")


class InlineMathProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 - Markdown's API name
        return self.md.htmlStash.store(_mathml(m.group(1), display=False)), m.start(0), m.end(0)


class MathExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # After fenced code (priority 25) so that `$` inside code blocks is left alone.
        md.preprocessors.register(DisplayMathPreprocessor(md), "display_math", 24)
        # Below backticks (190) so `$x$` inside inline code stays code.
        md.inlinePatterns.register(
            InlineMathProcessor(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])", md),
            "inline_math",
            185,
        )


class NoRawHtmlExtension(markdown.Extension):
    """Raw HTML off: tags typed by a person are shown as text, never passed through."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def make_markdown(*extra_extensions) -> markdown.Markdown:
    """A Markdown converter with our standard extensions; callers may add more."""
    return markdown.Markdown(
        extensions=[
            NoRawHtmlExtension(),
            # SuperFences, not Python-Markdown's fenced_code: fences also work inside quotes and
            # lists, so quoting a post keeps its code block.
            "pymdownx.superfences",
            "tables",
            "sane_lists",
            "admonition",
            "codehilite",
            MathExtension(),
            *extra_extensions,
        ],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False, "wrapcode": True},
            "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False},
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )


def clean_html(html: str, *, link_rel: str | None = "nofollow ugc noopener") -> str:
    """Sanitize HTML with our allow-list; the last step before anything is marked safe."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Render user Markdown to HTML that is safe to put in a page."""
    html = make_markdown().convert(text or "")
    return mark_safe(clean_html(html))


def render_plain(text: str) -> SafeString:
    """Escape text and keep its line breaks; for short user fields that are not Markdown."""
    return mark_safe(escape(text or "").replace("\n", "<br>"))


@lru_cache(maxsize=2048)
def _cached(text: str) -> str:
    return str(render_markdown(text))


def render_markdown_cached(text: str) -> SafeString:
    """render_markdown, memoised per process for text rendered again and again (e.g. bios)."""
    return mark_safe(_cached(text or ""))


__all__ = ["clean_html", "make_markdown", "render_markdown", "render_plain"]

from html.parser import HTMLParser

import pytest

from agenticworks.markup import clean_html, render_markdown


class _Elements(HTMLParser):
    """Collects every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _executable(html: str) -> list[str]:
    found = []
    for tag, attrs in _Elements(html).elements:
        if tag in {"script", "svg", "iframe", "object", "embed", "style", "form", "base"}:
            found.append(tag)
        for name, value in attrs.items():
            url = value.strip().lower()
            if name.startswith("on") or name == "style":
                found.append(f"{tag}@{name}")
            if name in {"href", "src"} and url.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag}@{name}={value}")
            if tag == "img" and name == "src" and not url.startswith("/"):
                found.append(f"remote image {value}")
    return found


def test_basic_markdown_with_code_highlighting_and_tables():
    html = render_markdown(
        "# Title\n\n```python\nx = np.dot(w, x)\n```\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n"
    )
    assert "<h1>Title</h1>" in html
    assert '<div class="highlight">' in html
    assert '<span class="n">np</span>' in html
    assert '<th align="right">a</th>' in html
    assert "style=" not in html  # CSP forbids inline styles, so alignment uses attributes


def test_inline_and_display_maths_become_mathml():
    html = render_markdown(
        "The sum $z = w \\cdot x + b$ and\n\n$$\n\\sigma(z) = \\frac{1}{1+e^{-z}}\n$$\n"
    )
    assert 'display="inline"><mrow><mi>z</mi>' in html
    assert 'display="block"><mrow><mi>σ</mi>' in html
    assert "<mfrac>" in html


def test_dollars_inside_code_are_left_alone():
    html = render_markdown("Use `$x$` literally.\n\n```\ncost = $5 and $6\n```")
    assert "<math" not in html


def test_broken_latex_shows_the_source_instead_of_failing():
    html = render_markdown("$\\frac{1}{$")
    assert "math-error" in html or "<math" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '![x](https://tracker.example/pixel.png "remote")',
        "<svg onload=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_nothing_executable_survives(payload):
    assert _executable(render_markdown(payload)) == []


def test_the_checker_itself_catches_executable_markup():
    assert _executable('<a href="javascript:x">a</a><img src=x onerror=y>') != []


def test_links_are_marked_user_generated():
    html = render_markdown("[site](https://example.com)")
    assert 'rel="nofollow ugc noopener"' in html


def test_local_images_are_kept():
    assert '<img alt="plot" src="/media/plot.png">' in render_markdown("![plot](/media/plot.png)")


@pytest.mark.parametrize(
    "src",
    [
        "/\\evil.example/p.png",
        "\\\\evil.example/p.png",
        "/\\/evil.example/p.png",
        "//evil.example/p.png",
        "/\x01evil.example/p.png",
    ],
)
def test_images_that_browsers_would_load_from_elsewhere_lose_their_src(src):
    assert "src=" not in render_markdown(f"![x](<{src}>)")


@pytest.mark.parametrize("src", ["/\t/evil.example/p.png", "/\n/evil.example/p.png", "/\\e.png"])
def test_control_characters_and_backslashes_in_html_img_src_are_refused(src):
    assert "src=" not in clean_html(f'<img alt="x" src="{src}">')


@pytest.mark.parametrize("href", ["/\\evil.example/", "\\\\evil.example/"])
def test_links_that_browsers_would_send_elsewhere_lose_their_href(href):
    assert "href=" not in render_markdown(f"[x](<{href}>)")


def test_local_links_are_kept():
    assert 'href="/forum/"' in render_markdown("[forum](/forum/)")

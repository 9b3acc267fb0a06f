"""The checker itself: it must catch what it is for, or the injection tests prove nothing."""

import pytest

from tests.security.markup import assert_feed_safe, executable_markup
from tests.security.xss_payloads import XSS_PAYLOADS

CAUGHT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=' jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='data:text/html,x'>x</a>",
    "<a href='VBScript:x'>x</a>",
    "<svg></svg>",
    "<iframe></iframe>",
    "<object></object>",
    "<embed>",
    "<style>p{}</style>",
    "<form action='/x'></form>",
    "<meta http-equiv='refresh' content='0'>",
    "<link rel='stylesheet' href='/static/x.css'>",
    "<base href='/'>",
    "<p style='color:red'>x</p>",
    "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<button formaction='javascript:alert(1)'>x</button>",
]


def test_there_are_at_least_forty_payloads():
    assert len(XSS_PAYLOADS) >= 40
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("html", CAUGHT)
def test_checker_flags_executable_markup(html):
    assert executable_markup(html)


def test_checker_passes_plain_and_escaped_markup():
    assert not executable_markup(
        '<p>Use <code>&lt;script&gt;</code> <a href="/forum/" rel="nofollow">here</a>'
        ' <a href="https://example.com">there</a> <img src="/media/x.png" alt=""></p>'
    )


def test_page_mode_allows_only_the_sites_own_chrome():
    chrome = (
        '<meta charset="utf-8"><link rel="stylesheet" href="/static/css/site.css">'
        '<script type="module" src="/static/js/site.js"></script>'
        '<form method="post" action="/accounts/logout/"></form>'
    )
    assert not executable_markup(chrome, page=True)
    assert executable_markup(chrome)
    assert executable_markup("<script>alert(1)</script>", page=True)
    assert executable_markup('<script type="module" src="//evil/x.js"></script>', page=True)
    assert executable_markup('<form action="javascript:alert(1)"></form>', page=True)


def test_feed_checker_reads_escaped_html():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
        '<entry><summary type="html">&lt;img src=x onerror=alert(1)&gt;</summary></entry></feed>'
    )
    with pytest.raises(AssertionError):
        assert_feed_safe(feed)

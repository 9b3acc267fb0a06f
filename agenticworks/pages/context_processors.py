from django.conf import settings

TAGLINE = (
    "A community for developers awakening to agentic AI. Hands-on lessons, enterprise-grade "
    "context engineering, and a forum that earns its quiet."
)

# (label, url name, the first path segment that marks it current)
SITE_NAME = "AgenticWorks"
NAVIGATION = [
    ("Learn", "learn:index", "learn"),
    ("Showcase", "showcase:index", "showcase"),
    ("Forum", "forum:index", "forum"),
    ("Community", "members", "community"),
]


def site(request):
    """Values every page's chrome needs."""
    section = request.path.strip("/").split("/", 1)[0]
    return {
        "site_name": SITE_NAME,
        "site_tagline": TAGLINE,
        "site_url": settings.SITE_URL,
        "navigation": NAVIGATION,
        "current_section": section,
    }

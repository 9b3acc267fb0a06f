import pytest
from django.urls import NoReverseMatch, reverse


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    # Most tests make several projects and comments as one member; limits have their own tests.
    settings.SHOWCASE_PROJECTS_PER_HOUR = 1000
    settings.SHOWCASE_PROJECTS_PER_HOUR_NEW = 1000
    settings.SHOWCASE_COMMENTS_PER_HOUR = 1000
    settings.SHOWCASE_COMMENTS_PER_HOUR_NEW = 1000


@pytest.fixture(autouse=True)
def lesson_url_available(settings):
    """Make `learn:lesson` reversible even before the lesson engine is merged."""
    try:
        reverse("learn:lesson", args=["brains-decision-committee", "01-the-first-neuron"])
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.showcase.lesson_urls"

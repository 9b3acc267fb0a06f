import pytest


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    # Most tests make several projects and comments as one member; limits have their own tests.
    settings.SHOWCASE_PROJECTS_PER_HOUR = 1000
    settings.SHOWCASE_PROJECTS_PER_HOUR_NEW = 1000
    settings.SHOWCASE_COMMENTS_PER_HOUR = 1000
    settings.SHOWCASE_COMMENTS_PER_HOUR_NEW = 1000

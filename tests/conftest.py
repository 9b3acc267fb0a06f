"""Shared fixtures: site settings for tests and the people who use the site.

Personas: `member` (Ada), `other_member` (Grace), `moderator` (Mo, in the Moderators group),
`staff` (Sam, is_staff) and the anonymous `visitor`. `*_client` fixtures are signed-in clients.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from agenticworks.accounts.services import user_create

PASSWORD = "correct horse battery staple"
MODERATORS_GROUP = "Moderators"


@pytest.fixture(autouse=True)
def _site_settings(settings, tmp_path):
    # Plain static storage: tests must not depend on a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests talk plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def make_member(db):
    """Create a member the way sign-up does (with a profile)."""

    def make(username: str, *, email: str | None = None, **fields):
        user = user_create(
            username=username, email=email or f"{username}@example.com", password=PASSWORD
        )
        for name, value in fields.items():
            setattr(user, name, value)
        if fields:
            user.save(update_fields=list(fields))
        return user

    return make


@pytest.fixture
def member(make_member):
    return make_member("ada")


@pytest.fixture
def other_member(make_member):
    return make_member("grace")


@pytest.fixture
def moderator(make_member):
    user = make_member("mo")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def staff(make_member):
    return make_member("sam", is_staff=True)


@pytest.fixture
def visitor(client):
    """An anonymous visitor's browser session."""
    return client


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member):
    return _signed_in(member)


@pytest.fixture
def other_member_client(other_member):
    return _signed_in(other_member)


@pytest.fixture
def moderator_client(moderator):
    return _signed_in(moderator)


@pytest.fixture
def staff_client(staff):
    return _signed_in(staff)


@pytest.fixture
def clear_cache():
    """For tests outside a rolled-back transaction (live server): start with an empty cache."""
    cache.clear()
    yield
    cache.clear()


# --- Code sandbox: a real runner for tests that run cells (tests/sandbox, browser tests) ------
from tests.sandbox.fixtures import (  # noqa: E402, F401
    sandbox,
    sandbox_runner,
    short_wall_runner,
    start_runner,
)

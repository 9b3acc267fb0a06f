"""Script-injection payloads typed into every forum field a person controls (post bodies,
titles, profile fields, search) must never come back as executable markup in a page or feed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from forum.models import Category, Topic
from tests.security.markup import assert_feed_safe, assert_no_executable_markup
from tests.security.xss_payloads import XSS_PAYLOADS

PROFILE_LIMITS = {"display_name": 60, "location": 80, "github": 39}


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):
    settings.FORUM_POST_INTERVAL = 0
    settings.FORUM_NEW_MEMBER_POST_INTERVAL = 0
    settings.FORUM_DUPLICATE_WINDOW = 0


def _page(client: Client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_no_executable_markup(html, page=True)
    return html


def _posted(response) -> str:
    assert response.status_code in (200, 302), response.status_code
    html = response.content.decode()
    if response.status_code == 200:
        assert_no_executable_markup(html, page=True)
    return html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_inert_everywhere(payload, member, member_client, other_member_client):
    # Profile fields, through the real profile form (the page also re-renders on errors).
    profile = {field: payload[:limit] for field, limit in PROFILE_LIMITS.items()}
    _posted(
        member_client.post(reverse("profile_edit"), {**profile, "bio": payload, "website": payload})
    )
    _posted(
        member_client.post(
            reverse("profile_edit"),
            {**profile, "bio": payload, "website": f"https://example.com/{payload}"},
        )
    )
    _page(member_client, reverse("member", args=[member.username]))

    # A topic whose title and body are the payload, with a preview on the way.
    title = payload if len(payload) >= 3 else f"{payload}!!!"
    category = Category.objects.get(slug="lesson-help")
    form = {"category": str(category.pk), "title": title[:140], "body": payload}
    _posted(member_client.post(reverse("forum:new_topic"), {**form, "preview": "1"}))
    live = member_client.post(reverse("forum:preview"), {"body": payload})
    assert_no_executable_markup(live.content.decode())
    _posted(member_client.post(reverse("forum:new_topic"), form))
    topic = Topic.objects.get(author=member)
    first = topic.posts.get(position=1)
    assert_no_executable_markup(first.body_html)

    # Someone replies quoting it; mentions the author; the author edits.
    quote_page = _page(
        other_member_client, reverse("forum:reply", args=[topic.pk]) + f"?quote={first.pk}"
    )
    assert "csrfmiddlewaretoken" in quote_page
    _posted(
        other_member_client.post(
            reverse("forum:reply", args=[topic.pk]),
            {"body": f"> {payload}\n\n@ada {payload}"},
        )
    )
    _posted(
        member_client.post(
            reverse("forum:edit", args=[first.pk]), {"title": title[:140], "body": payload + " "}
        )
    )

    topic.refresh_from_db()
    for client in (member_client, other_member_client, Client()):
        # The payload is shown, as text: the test is not passing because nothing was shown.
        assert escape(topic.title) in _page(client, topic.get_absolute_url())
        _page(client, topic.category.get_absolute_url())
        _page(client, reverse("forum:index"))
        _page(client, reverse("forum:latest"))
        _page(client, reverse("forum:revisions", args=[first.pk]))
        _page(client, reverse("forum:search"), data={"q": payload})
        _page(client, reverse("home"))
        feed = client.get(reverse("forum:feed")).content.decode()
        assert_feed_safe(feed)
        assert_feed_safe(
            client.get(reverse("forum:category_feed", args=[topic.category.slug])).content.decode()
        )
    _page(member_client, reverse("forum:notifications"))
    _page(member_client, reverse("forum:edit", args=[first.pk]))

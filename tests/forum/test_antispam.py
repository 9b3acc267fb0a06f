"""Posting limits: new members post less and without links at first; everyone waits a little
between posts and cannot repeat themselves; each refusal says when posting works again."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forum import antispam, services
from forum.models import Post, Topic


@pytest.fixture
def established(member):
    """Ada, with an account older than a day and a completed lesson section."""
    type(member).objects.filter(pk=member.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    member.refresh_from_db()
    with mock.patch("forum.antispam.completed_section_count", return_value=2):
        yield member


def _age_posts(user, seconds: int) -> None:
    Post.objects.filter(author=user).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_established_members_and_moderators_are_not_new(moderator, established):
    assert not antispam.is_new_member(established)
    assert not antispam.is_new_member(moderator)


def test_young_account_or_no_section_done_is_new(make_member):
    young = make_member("young")
    assert antispam.is_new_member(young)
    old = make_member("old", date_joined=timezone.now() - timedelta(days=10))
    assert antispam.is_new_member(old)  # no lesson section completed yet
    with mock.patch("forum.antispam.completed_section_count", return_value=1):
        assert not antispam.is_new_member(old)


def test_learning_lifts_a_young_members_limits_at_once(member, category, settings):
    settings.FORUM_NEW_MEMBER_TOPICS_PER_DAY = 1
    settings.FORUM_NEW_MEMBER_POST_INTERVAL = 0
    settings.FORUM_TRUSTED_SECTIONS = 3
    services.topic_create(author=member, category=category, title="First", body="b1")
    with (
        mock.patch("forum.antispam.completed_section_count", return_value=1),
        pytest.raises(ValidationError, match="Complete 2 more lesson sections to lift this limit"),
    ):
        services.topic_create(author=member, category=category, title="Second", body="b2")
    with mock.patch("forum.antispam.completed_section_count", return_value=3):
        assert not antispam.is_new_member(member)  # the account is minutes old
        services.topic_create(author=member, category=category, title="Second", body="b2")


def test_everyone_waits_between_posts_and_is_told_how_long(established, topic, settings):
    settings.FORUM_POST_INTERVAL = 30
    _age_posts(established, 0)
    with pytest.raises(ValidationError, match=r"You can post again in \d+ seconds"):
        services.post_reply(author=established, topic=topic, body="Quick follow-up")
    _age_posts(established, 31)
    services.post_reply(author=established, topic=topic, body="Quick follow-up")


def test_the_refusal_is_shown_on_the_form_with_the_draft(member_client, member, topic, settings):
    settings.FORUM_NEW_MEMBER_POST_INTERVAL = 120
    response = member_client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "My unsent reply"}
    )
    html = response.content.decode()
    assert (
        "You posted a moment ago. Complete 3 more lesson sections to lift this limit at once, "
        "or post again in 2 minutes." in html
    )
    assert "My unsent reply</textarea>" in html


def test_duplicate_posts_are_refused_within_the_window(established, topic, settings):
    settings.FORUM_DUPLICATE_WINDOW = 600
    services.post_reply(author=established, topic=topic, body="Same words")
    with pytest.raises(ValidationError, match=r"exactly this.*again in \d+ minutes"):
        services.post_reply(author=established, topic=topic, body="Same words")
    services.post_reply(author=established, topic=topic, body="Different words")
    _age_posts(established, 601)
    services.post_reply(author=established, topic=topic, body="Same words")


def test_new_members_have_a_daily_topic_limit(member, category, settings):
    settings.FORUM_NEW_MEMBER_TOPICS_PER_DAY = 2
    for n in range(2):
        services.topic_create(author=member, category=category, title=f"Topic {n}", body=f"b{n}")
    with pytest.raises(ValidationError, match=r"New members can post 2 topics a day.*in \d+ hours"):
        services.topic_create(author=member, category=category, title="One more", body="b")
    _age_posts(member, 24 * 3600 + 5)
    services.topic_create(author=member, category=category, title="Next day", body="b")


def test_new_members_have_a_daily_reply_limit(member, topic, settings):
    settings.FORUM_NEW_MEMBER_REPLIES_PER_DAY = 1
    services.post_reply(author=member, topic=topic, body="first")
    with pytest.raises(ValidationError, match="New members can post 1 replies a day"):
        services.post_reply(author=member, topic=topic, body="second")


def test_established_members_have_higher_limits(established, category, settings):
    settings.FORUM_NEW_MEMBER_TOPICS_PER_DAY = 1
    settings.FORUM_TOPICS_PER_DAY = 3
    for n in range(3):
        services.topic_create(
            author=established, category=category, title=f"Topic {n}", body=f"b{n}"
        )
    with pytest.raises(ValidationError, match="You can post 3 topics a day"):
        services.topic_create(author=established, category=category, title="Topic 4", body="b4")


@pytest.mark.parametrize(
    "body",
    [
        "Buy now at https://spam.example",
        "Visit www.spam.example today",
        "[cheap](http://spam.example)",
        "<https://spam.example>",
        "Write to [me](mailto:spam@spam.example)",
    ],
)
def test_no_links_in_a_new_members_first_post(member, category, body):
    with pytest.raises(ValidationError, match="cannot link to other sites in their first post"):
        services.topic_create(author=member, category=category, title="Hello", body=body)
    assert not Topic.objects.exists()


def test_a_protocol_relative_link_is_never_a_link(member, category):
    # The renderer drops an href that browsers would resolve off-site ("//host", "/\\host"),
    # so there is no link to refuse: the words stay, as text.
    topic = services.topic_create(
        author=member, category=category, title="Hello", body="[sneaky](//spam.example/path)"
    )
    html = topic.posts.get().body_html
    assert "spam.example" not in html
    assert "sneaky" in html


def test_links_on_the_site_and_urls_in_code_are_fine_in_a_first_post(member, category):
    body = (
        "See [part 3](/learn/brains-decision-committee/03-activation-functions/#cell-a) and\n\n"
        "```python\nrequests.get('https://example.com')\n```"
    )
    services.topic_create(author=member, category=category, title="Hello", body=body)
    assert Topic.objects.count() == 1


def test_links_are_fine_from_the_second_post(member, topic):
    post = services.post_reply(author=member, topic=topic, body="Docs: https://numpy.org")
    assert post.position == 2


def test_established_members_may_link_in_their_first_post(established, category):
    topic = services.topic_create(
        author=established, category=category, title="Docs", body="https://numpy.org"
    )
    assert topic.pk

"""Atom feeds of the latest topics, site-wide and per category."""

from django.urls import reverse

from forum import moderation
from tests.security.markup import assert_feed_safe


def test_latest_topics_feed(visitor, topic, make_topic, member, other_category):
    make_topic(member, title="Show me your plots", cat=other_category)
    response = visitor.get(reverse("forum:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert_feed_safe(xml)
    assert "How do I reshape an image?" in xml
    assert "Show me your plots" in xml
    assert "&lt;code&gt;x.reshape(9)&lt;/code&gt;" in xml


def test_category_feed_has_only_that_category(visitor, topic, make_topic, member, other_category):
    make_topic(member, title="Show me your plots", cat=other_category)
    xml = visitor.get(reverse("forum:category_feed", args=["show-and-tell"])).content.decode()
    assert "Show me your plots" in xml
    assert "How do I reshape an image?" not in xml
    assert visitor.get(reverse("forum:category_feed", args=["nope"])).status_code == 404


def test_hidden_topics_and_hidden_first_posts_stay_out(visitor, topic, make_topic, member,
                                                       moderator):  # fmt: skip
    other = make_topic(member, title="Visible title", body="secret words")
    moderation.topic_hide(topic=topic, by=moderator, hidden=True, reason="spam")
    moderation.post_hide(post=other.posts.get(), by=moderator, hidden=True, reason="rude")
    xml = visitor.get(reverse("forum:feed")).content.decode()
    assert "How do I reshape an image?" not in xml
    assert "Visible title" in xml
    assert "secret words" not in xml


def test_feed_is_linked_from_forum_pages(visitor, topic):
    html = visitor.get(reverse("forum:index")).content.decode()
    assert 'type="application/atom+xml"' in html

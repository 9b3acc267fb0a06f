"""Category list, topic lists and topic pages as readers see them."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from forum import moderation, services
from forum.models import Topic


def test_index_lists_categories_with_counts_and_latest_topic(visitor, topic, reply):
    response = visitor.get(reverse("forum:index"))
    html = response.content.decode()
    assert "Lesson help" in html
    assert "Site feedback" in html
    row = html[html.index("Lesson help") : html.index("Show and tell")]
    assert ">1</td>" in row  # one topic
    assert ">2</td>" in row  # two posts
    assert topic.title in row


def test_index_does_not_leak_a_hidden_latest_topic(visitor, topic, moderator):
    moderation.topic_hide(topic=topic, by=moderator, hidden=True, reason="spam")
    assert topic.title not in visitor.get(reverse("forum:index")).content.decode()


def test_topic_list_puts_pinned_first_then_latest_activity(
    visitor, make_topic, member, other_member, moderator, category
):
    old = make_topic(member, title="Old but pinned")
    middle = make_topic(member, title="Middle topic")
    newest = make_topic(member, title="Newest topic")
    Topic.objects.filter(pk=old.pk).update(last_post_at=timezone.now() - timedelta(days=3))
    Topic.objects.filter(pk=middle.pk).update(last_post_at=timezone.now() - timedelta(days=1))
    moderation.topic_pin(topic=old, by=moderator, pinned=True)
    services.post_reply(author=other_member, topic=middle, body="Bumping this one.")

    html = visitor.get(category.get_absolute_url()).content.decode()
    positions = [html.index(t) for t in ("Old but pinned", "Middle topic", "Newest topic")]
    assert positions == sorted(positions)
    assert "Pinned" in html
    assert newest.title in html


def test_topic_list_is_paginated(visitor, make_topic, member, category, settings):
    settings.FORUM_TOPICS_PER_PAGE = 2
    for n in range(5):
        make_topic(member, title=f"Question number {n}")
    first = visitor.get(category.get_absolute_url()).content.decode()
    third = visitor.get(category.get_absolute_url() + "?page=3").content.decode()
    assert "Page 1 of 3" in first
    assert "Question number 4" in first
    assert "Question number 0" not in first
    assert "Question number 0" in third


def test_unknown_category_is_404(visitor, db):
    assert visitor.get(reverse("forum:category", args=["nope"])).status_code == 404


def test_topic_page_shows_posts_in_order_with_authors_times_and_markers(
    visitor, topic, reply, member
):
    member.profile.display_name = "Ada Lovelace"
    member.profile.save()
    services.post_edit(post=topic.posts.get(position=1), editor=member, body="Edited question.")
    services.answer_set(topic=topic, post=reply, by=member)
    topic.posts.filter(position=1).update(created_at=timezone.now() - timedelta(hours=3))
    html = visitor.get(topic.get_absolute_url()).content.decode()
    posts = html[html.index('id="post-1"') :]
    assert posts.index("Edited question.") < posts.index("x.reshape(3, 3)")
    assert '<span class="avatar" aria-hidden="true">AL</span>' in html
    assert ">Ada Lovelace</a>" in html
    assert re.search(
        r'<time datetime="[^"]+" title="\d+ \w+ \d{4}, \d\d:\d\d UTC">3.hours ago</time>', html
    )
    assert ">edited</a>" in html
    assert "✓ Answer" in html
    assert 'id="post-2"' in html


def test_topic_page_is_paginated(visitor, topic, other_member, settings):
    settings.FORUM_POSTS_PER_PAGE = 2
    for n in range(3):
        services.post_reply(author=other_member, topic=topic, body=f"Reply number {n}")
    second = visitor.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert "Reply number 1" in second
    assert "Reply number 2" in second
    assert "Reply number 0" not in second
    assert "Page 2 of 2" in second


def test_wrong_slug_redirects_to_the_canonical_address(visitor, topic):
    response = visitor.get(reverse("forum:topic", args=["wrong", topic.pk]))
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


def test_post_permalink_lands_on_the_right_page(visitor, topic, other_member, settings):
    settings.FORUM_POSTS_PER_PAGE = 2
    posts = [services.post_reply(author=other_member, topic=topic, body=f"R{n}") for n in range(3)]
    response = visitor.get(reverse("forum:post", args=[posts[-1].pk]))
    assert response["Location"] == f"{topic.get_absolute_url()}?page=2#post-4"


def test_hidden_topic_is_404_for_others_but_visible_to_moderators_and_author(
    visitor, other_member_client, member_client, moderator_client, topic, moderator
):
    moderation.topic_hide(topic=topic, by=moderator, hidden=True, reason="Off topic")
    assert visitor.get(topic.get_absolute_url()).status_code == 404
    assert other_member_client.get(topic.get_absolute_url()).status_code == 404
    assert (
        "hidden from other members" in member_client.get(topic.get_absolute_url()).content.decode()
    )
    html = moderator_client.get(topic.get_absolute_url()).content.decode()
    assert "Off topic" in html


def test_unread_markers_and_jump_to_first_unread(
    member_client, topic, other_member, category, settings
):
    settings.FORUM_POSTS_PER_PAGE = 2
    member_client.get(topic.get_absolute_url())  # the author has read their topic
    replies = [
        services.post_reply(author=other_member, topic=topic, body=f"New reply {n}")
        for n in range(3)
    ]
    listing = member_client.get(category.get_absolute_url()).content.decode()
    assert "3 new" in listing

    jump = member_client.get(reverse("forum:topic_unread", args=[topic.pk]))
    assert jump["Location"] == reverse("forum:post", args=[replies[0].pk]) or jump[
        "Location"
    ].endswith("#post-2")

    page = member_client.get(topic.get_absolute_url()).content.decode()
    assert "Jump to first unread" in page
    assert 'class="post is-unread" id="post-2"' in page
    member_client.get(topic.get_absolute_url() + "?page=2")
    listing = member_client.get(category.get_absolute_url()).content.decode()
    assert " new<" not in listing


def test_a_topic_never_opened_is_marked_new_for_members_only(
    other_member_client, visitor, topic, category
):
    assert "badge-unread" in other_member_client.get(category.get_absolute_url()).content.decode()
    assert "badge-unread" not in visitor.get(category.get_absolute_url()).content.decode()


def test_deleted_post_leaves_a_placeholder_in_place(visitor, topic, reply, other_member):
    services.post_reply(author=other_member, topic=topic, body="After the deleted one")
    services.post_delete(post=reply, by=other_member)
    html = visitor.get(topic.get_absolute_url()).content.decode()
    assert "x.reshape(3, 3)" not in html
    assert html.index("Post 2 was deleted") < html.index("After the deleted one")


def test_revisions_page_keeps_earlier_versions(visitor, topic, member):
    first = topic.posts.get(position=1)
    services.post_edit(post=first, editor=member, body="Second version", title="A new title")
    html = visitor.get(reverse("forum:revisions", args=[first.pk])).content.decode()
    assert "Second version" in html
    assert "I tried `x.reshape(9)`." in html
    assert "How do I reshape an image?" in html

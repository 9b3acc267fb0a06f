"""Likes (one per member per post, never one's own) and the accepted answer."""

from django.urls import reverse

from forum import services
from forum.models import Notification, Post, PostLike
from forum.rendering import render_post


def test_like_and_unlike_keep_the_count(member_client, reply):
    url = reverse("forum:like", args=[reply.pk])
    member_client.post(url)
    reply.refresh_from_db()
    assert reply.like_count == 1
    html = member_client.get(reply.topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html
    member_client.post(url)
    reply.refresh_from_db()
    assert reply.like_count == 0
    assert not PostLike.objects.exists()


def test_one_like_per_member_even_if_the_row_already_exists(member, reply):
    PostLike.objects.create(post=reply, user=member)
    Post.objects.filter(pk=reply.pk).update(like_count=1)
    assert services.like_toggle(post=reply, user=member) is False
    reply.refresh_from_db()
    assert reply.like_count == 0


def test_counts_from_several_members_add_up(reply, member, make_member):
    for name in ("kim", "lee", "max"):
        services.like_toggle(post=reply, user=make_member(name))
    services.like_toggle(post=reply, user=member)
    reply.refresh_from_db()
    assert reply.like_count == 4


def test_member_cannot_like_own_post(other_member_client, reply):
    response = other_member_client.post(reverse("forum:like", args=[reply.pk]))
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.like_count == 0


def test_visitor_cannot_like(visitor, reply):
    response = visitor.post(reverse("forum:like", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.like_count == 0


def test_topic_author_marks_the_answer_and_its_author_is_notified(member_client, reply, topic):
    response = member_client.post(reverse("forum:answer", args=[reply.pk]))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.answer == reply
    assert Notification.objects.filter(recipient=reply.author, kind="answer").exists()
    html = member_client.get(topic.get_absolute_url()).content.decode()
    assert "Unmark answer" in html
    assert "<strong>Answer</strong> from grace: Use x.reshape(3, 3)." in html
    member_client.post(reverse("forum:answer", args=[reply.pk]), {"action": "clear"})
    topic.refresh_from_db()
    assert topic.answer is None


def test_only_one_answer_at_a_time(member, topic, reply, make_member):
    second = services.post_reply(author=make_member("kim"), topic=topic, body="Or this")
    services.answer_set(topic=topic, post=reply, by=member)
    services.answer_set(topic=topic, post=second, by=member)
    topic.refresh_from_db()
    assert topic.answer == second


def test_member_cannot_mark_answers_on_someone_elses_topic(other_member_client, make_member, topic):
    third = services.post_reply(author=make_member("kim"), topic=topic, body="Answer?")
    response = other_member_client.post(reverse("forum:answer", args=[third.pk]))
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.answer is None
    html = other_member_client.get(topic.get_absolute_url()).content.decode()
    assert "Mark as answer" not in html


def test_moderator_can_mark_the_answer_and_it_is_logged(moderator_client, topic, reply):
    moderator_client.post(reverse("forum:answer", args=[reply.pk]))
    topic.refresh_from_db()
    assert topic.answer == reply
    assert topic.moderationlog_set.filter(action="answer").exists()


def test_the_question_itself_cannot_be_the_answer(member_client, topic):
    first = topic.posts.get()
    response = member_client.post(reverse("forum:answer", args=[first.pk]), follow=True)
    assert "cannot be its answer" in response.content.decode()
    topic.refresh_from_db()
    assert topic.answer is None


def test_deleting_the_answer_clears_it(member, other_member, topic, reply):
    services.answer_set(topic=topic, post=reply, by=member)
    services.post_delete(post=reply, by=other_member)
    topic.refresh_from_db()
    assert topic.answer is None


def test_the_answer_box_shows_the_answers_own_words_not_its_quote(member_client, topic, reply):
    body = "> @ada wrote:\n>\n> I tried x.reshape(9).\n\nUse x.reshape(3, 3) instead."
    Post.objects.filter(pk=reply.pk).update(body=body, body_html=render_post(body).html)
    member_client.post(reverse("forum:answer", args=[reply.pk]))
    html = member_client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>Answer</strong> from grace: Use x.reshape(3, 3) instead." in html

"""Subscriptions, on-site notifications with the header count, mentions, and emails."""

import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from forum import moderation, services
from forum.models import Notification, NotificationPreference


def test_author_is_subscribed_and_notified_of_replies(member_client, member, topic, reply):
    note = Notification.objects.get(recipient=member)
    assert (note.kind, note.post, note.actor) == ("reply", reply, reply.author)
    html = member_client.get(reverse("forum:index")).content.decode()
    assert 'aria-label="Notifications, 1 unread"' in html


def test_repliers_are_subscribed_too(member, other_member, topic, reply):
    services.post_reply(author=member, topic=topic, body="Thanks!")
    assert Notification.objects.filter(recipient=other_member, kind="reply").count() == 1


def test_no_notification_for_ones_own_reply(member, topic):
    services.post_reply(author=member, topic=topic, body="Bump")
    assert not Notification.objects.exists()


def test_unsubscribing_stops_reply_notifications(member_client, member, topic, other_member):
    member_client.post(reverse("forum:subscribe", args=[topic.pk]), {"subscribed": "0"})
    services.post_reply(author=other_member, topic=topic, body="Hello?")
    assert not Notification.objects.exists()
    member_client.post(reverse("forum:subscribe", args=[topic.pk]), {"subscribed": "1"})
    services.post_reply(author=other_member, topic=topic, body="Hello again")
    assert Notification.objects.filter(recipient=member).count() == 1


def test_mentions_notify_the_mentioned_member_once(member, other_member, make_member, category):
    kim = make_member("kim")
    services.topic_create(
        author=member, category=category, title="Ask", body="@kim and @grace, any idea? @kim"
    )
    assert Notification.objects.filter(recipient=kim, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=other_member, kind="mention").count() == 1


def test_mentions_in_code_or_of_unknown_names_do_not_notify(member, make_member, category):
    make_member("kim")
    services.topic_create(
        author=member, category=category, title="Ask", body="`@kim` and @nobody\n\n    @kim"
    )
    assert not Notification.objects.exists()


def test_mention_becomes_a_profile_link(visitor, member, make_member, category):
    make_member("kim")
    topic = services.topic_create(author=member, category=category, title="Ask", body="Hi @kim!")
    html = visitor.get(topic.get_absolute_url()).content.decode()
    assert '<a href="/community/kim/" rel="nofollow ugc noopener">@kim</a>!' in html


def test_mentioned_on_edit_are_notified_once(member, make_member, topic):
    kim = make_member("kim")
    first = topic.posts.get()
    services.post_edit(post=first, editor=member, body="Now with @kim")
    services.post_edit(post=first, editor=member, body="Now with @kim, edited again")
    assert Notification.objects.filter(recipient=kim).count() == 1


def test_mention_in_a_hidden_topic_reaches_only_those_who_can_see_it(
    member, make_member, topic, moderator
):
    kim = make_member("kim")
    moderation.topic_hide(topic=topic, by=moderator, hidden=True, reason="x")
    services.post_reply(author=member, topic=topic, body="@kim look")
    assert not Notification.objects.filter(recipient=kim).exists()


def test_notification_list_opens_and_marks_read(member_client, member, reply):
    html = member_client.get(reverse("forum:notifications")).content.decode()
    note = Notification.objects.get(recipient=member)
    assert "grace replied to “How do I reshape an image?”" in html
    response = member_client.get(note.get_absolute_url())
    assert response["Location"] == reverse("forum:post", args=[reply.pk])
    note.refresh_from_db()
    assert note.read_at is not None
    header = member_client.get(reverse("forum:index")).content.decode()
    assert 'aria-label="Notifications, 0 unread"' in header


def test_mark_all_read(member_client, member, reply, topic, other_member):
    services.post_reply(author=other_member, topic=topic, body="And another")
    member_client.post(reverse("forum:notifications_read"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(other_member_client, member, reply):
    note = Notification.objects.get(recipient=member)
    assert other_member_client.get(note.get_absolute_url()).status_code == 404


def test_email_per_notification_when_asked(
    member_client, member, topic, other_member, django_capture_on_commit_callbacks
):
    member_client.post(reverse("forum:notification_settings"), {"email": "each"})
    assert NotificationPreference.objects.get(user=member).email == "each"
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(author=other_member, topic=topic, body="Try reshape(3, 3)")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "grace replied to" in message.subject
    assert "Try reshape(3, 3)" in message.body
    assert "/forum/notifications/" in message.body


def test_no_email_by_default(member, topic, other_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(author=other_member, topic=topic, body="Hello")
    assert mail.outbox == []


def test_daily_digest_command(member, topic, other_member):
    NotificationPreference.objects.create(user=member, email="daily")
    services.post_reply(author=other_member, topic=topic, body="One")
    services.post_reply(author=other_member, topic=topic, body="Two")
    call_command("forum_digest", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert "2 new" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("grace replied to") == 2
    call_command("forum_digest", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # nothing new: no second email


def test_replies_in_a_hidden_topic_do_not_notify_other_subscribers(topic, reply, moderator):
    moderation.topic_hide(topic=topic, by=moderator, hidden=True, reason="x")
    Notification.objects.all().delete()
    services.post_reply(author=moderator, topic=topic, body="Hidden while we look")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ada"]

"""On-site notifications, and the emails members ask for (one per notification or a daily digest).

Services call `notify_*` inside their transaction; emails go out after it commits, so a
rolled-back reply never mails anyone.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, NotificationPreference, Post, Topic, TopicSubscription
from .permissions import can_see_topic

log = logging.getLogger(__name__)


def _create(notifications: list[Notification]) -> list[Notification]:
    if not notifications:
        return []
    created = Notification.objects.bulk_create(notifications)
    ids = [n.recipient_id for n in notifications]
    each = set(
        NotificationPreference.objects.filter(
            user_id__in=ids, email=NotificationPreference.Email.EACH
        ).values_list("user_id", flat=True)
    )
    to_mail = [n.pk for n in created if n.recipient_id in each and n.pk]
    if to_mail:
        transaction.on_commit(lambda: email_notifications(to_mail))
    return created


def notify_post(post: Post, *, mentioned: Iterable, skip: Iterable[int] = ()) -> list:
    """Tell subscribers about a new post, and mentioned members that they were mentioned."""
    topic = post.topic
    skip_ids = {post.author_id, *skip}
    notes: dict[int, Notification] = {}
    for user in mentioned:
        if user.pk in skip_ids or not can_see_topic(user, topic):
            continue
        notes[user.pk] = Notification(
            recipient=user,
            actor=post.author,
            kind=Notification.Kind.MENTION,
            topic=topic,
            post=post,
        )
    if post.position > 1:
        subscribers = TopicSubscription.objects.filter(topic=topic).values_list(
            "user_id", flat=True
        )
        if topic.is_hidden:  # only its author may still read it (moderators read the queue)
            subscribers = subscribers.filter(user_id=topic.author_id)
        for user_id in subscribers:
            if user_id in skip_ids or user_id in notes:
                continue
            notes[user_id] = Notification(
                recipient_id=user_id,
                actor=post.author,
                kind=Notification.Kind.REPLY,
                topic=topic,
                post=post,
            )
    return _create(list(notes.values()))


def notify_one(*, recipient, actor, kind: str, topic: Topic, post: Post | None) -> None:
    """A single notification, e.g. 'your reply was marked as the answer'."""
    if recipient.pk == getattr(actor, "pk", None):
        return
    _create([Notification(recipient=recipient, actor=actor, kind=kind, topic=topic, post=post)])


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, *, pk: int | None = None) -> int:
    """Mark one notification (or all of them) read; return how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def email_notifications(ids: list[int]) -> int:
    """Send one email per notification (for members who asked for that); return how many."""
    notes = Notification.objects.filter(
        pk__in=ids, emailed_at__isnull=True, read_at__isnull=True
    ).select_related("recipient", "actor", "topic", "post")
    sent = 0
    for note in notes:
        if not note.recipient.email:
            continue
        context = {
            "note": note,
            "url": _absolute(note.get_absolute_url()),
            "site_url": settings.SITE_URL,
        }
        try:
            send_mail(
                subject=render_to_string("forum/email/notification_subject.txt", context).strip(),
                message=render_to_string("forum/email/notification.txt", context),
                from_email=None,
                recipient_list=[note.recipient.email],
            )
        except OSError:
            log.exception("Could not email notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_daily_digests(*, now=None) -> int:
    """Email each daily-digest member their unread, not yet emailed notifications of the last
    day; return how many emails went out."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    User = get_user_model()
    members = User.objects.filter(
        forum_preference__email=NotificationPreference.Email.DAILY,
        notifications__read_at__isnull=True,
        notifications__emailed_at__isnull=True,
        notifications__created_at__gt=since,
    ).distinct()
    sent = 0
    for member in members:
        if not member.email:
            continue
        notes = list(
            Notification.objects.filter(
                recipient=member,
                read_at__isnull=True,
                emailed_at__isnull=True,
                created_at__gt=since,
            ).select_related("actor", "topic")
        )
        context = {
            "member": member,
            "notes": notes,
            "url": _absolute("/forum/notifications/"),
            "site_url": settings.SITE_URL,
        }
        try:
            send_mail(
                subject=f"Your AgenticWorks forum digest: {len(notes)} new",
                message=render_to_string("forum/email/digest.txt", context),
                from_email=None,
                recipient_list=[member.email],
            )
        except OSError:
            log.exception("Could not send the digest to member %s", member.pk)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
        sent += 1
    return sent

"""Moderators' actions. Each one checks the actor, changes the object and writes a
ModerationLog row (who, when, why) in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from . import notifications
from .models import Category, ModerationLog, Notification, Post, PostReport, Suspension, Topic
from .permissions import check_moderator, is_moderator

Action = ModerationLog.Action


def _reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": "Give a reason; it is kept in the moderation log."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    return reason


def _log(actor, action: str, *, reason: str = "", topic=None, post=None, target=None, details=""):
    return ModerationLog.objects.create(
        actor=actor,
        action=action,
        reason=reason,
        topic=topic,
        post=post,
        target=target,
        details=details[:300],
    )


def topic_pin(*, topic: Topic, by, pinned: bool, reason: str = "") -> Topic:
    """Pin a topic to the top of its category, or unpin it."""
    check_moderator(by)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(is_pinned=pinned)
        topic.is_pinned = pinned
        _log(by, Action.PIN if pinned else Action.UNPIN, reason=reason, topic=topic)
    return topic


def topic_lock(*, topic: Topic, by, locked: bool, reason: str = "") -> Topic:
    """Close a topic to new replies, or open it again."""
    check_moderator(by)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(is_locked=locked)
        topic.is_locked = locked
        _log(by, Action.LOCK if locked else Action.UNLOCK, reason=reason, topic=topic)
    return topic


def topic_hide(*, topic: Topic, by, hidden: bool, reason: str = "") -> Topic:
    """Hide a topic from everyone but moderators and its author (a reason is required)."""
    check_moderator(by)
    reason = _reason(reason, required=hidden)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(
            is_hidden=hidden, hidden_reason=reason if hidden else ""
        )
        topic.is_hidden, topic.hidden_reason = hidden, reason if hidden else ""
        _log(
            by,
            Action.HIDE_TOPIC if hidden else Action.UNHIDE_TOPIC,
            reason=reason,
            topic=topic,
            target=topic.author,
        )
        category_refresh(topic.category)
    return topic


def topic_move(*, topic: Topic, by, category: Category, reason: str = "") -> Topic:
    """Move a topic to another category; both categories' counts follow."""
    check_moderator(by)
    reason = _reason(reason, required=False)
    if category.pk == topic.category_id:
        raise ValidationError({"category": "The topic is already in that category."})
    old = topic.category
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(category=category)
        topic.category = category
        _log(by, Action.MOVE, reason=reason, topic=topic, details=f"{old.name} → {category.name}")
        category_refresh(old)
        category_refresh(category)
    return topic


def category_refresh(category: Category) -> Category:
    """Recount a category's topics and posts and find its latest visible activity."""
    visible = Topic.objects.filter(category=category, is_hidden=False)
    totals = visible.aggregate(
        topics=Count("pk", distinct=True), posts=Count("posts"), last=Max("last_post_at")
    )
    latest = visible.order_by("-last_post_at", "-pk").first()
    Category.objects.filter(pk=category.pk).update(
        topic_count=totals["topics"] or 0,
        post_count=totals["posts"] or 0,
        last_post_at=totals["last"],
        last_topic=latest,
    )
    category.refresh_from_db()
    return category


def post_hide(*, post: Post, by, hidden: bool, reason: str = "") -> Post:
    """Hide a post behind a placeholder (a reason is required), or restore it."""
    check_moderator(by)
    reason = _reason(reason, required=hidden)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            is_hidden=hidden, hidden_reason=reason if hidden else ""
        )
        post.is_hidden, post.hidden_reason = hidden, reason if hidden else ""
        if hidden:
            Topic.objects.filter(pk=post.topic_id, answer=post).update(answer=None)
            notifications.notify_one(
                recipient=post.author,
                actor=by,
                kind=Notification.Kind.MODERATION,
                topic=post.topic,
                post=post,
            )
        _log(
            by,
            Action.HIDE_POST if hidden else Action.UNHIDE_POST,
            reason=reason,
            topic=post.topic,
            post=post,
            target=post.author,
        )
    return post


def hide_if_reported(post: Post) -> bool:
    """Hide a post pending review once enough trusted members have reported it."""
    threshold = settings.FORUM_REPORTS_TO_HIDE
    trusted = PostReport.objects.filter(
        post=post, status=PostReport.Status.OPEN, trusted=True
    ).count()
    if post.is_hidden or threshold <= 0 or trusted < threshold:
        return False
    reason = f"Hidden pending review after {trusted} reports."
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=reason)
    post.is_hidden, post.hidden_reason = True, reason
    Topic.objects.filter(pk=post.topic_id, answer=post).update(answer=None)
    _log(None, Action.AUTO_HIDE, reason=reason, topic=post.topic, post=post, target=post.author)
    return True


def open_reports():
    """Posts with open reports, most reported first, each with its reports."""
    return (
        Post.objects.filter(reports__status=PostReport.Status.OPEN)
        .annotate(open_reports=Count("reports", filter=Q(reports__status=PostReport.Status.OPEN)))
        .select_related("topic__category", "author__profile")
        .order_by("-open_reports", "pk")
    )


def reports_resolve(*, post: Post, by, uphold: bool, reason: str = "") -> int:
    """Close a post's open reports: uphold (hide the post) or dismiss (restore it)."""
    check_moderator(by)
    reason = _reason(reason, required=uphold)
    status = PostReport.Status.UPHELD if uphold else PostReport.Status.DISMISSED
    with transaction.atomic():
        closed = PostReport.objects.filter(post=post, status=PostReport.Status.OPEN).update(
            status=status, resolved_at=timezone.now(), resolved_by=by
        )
        if uphold and not post.is_hidden:
            post_hide(post=post, by=by, hidden=True, reason=reason)
        elif not uphold and post.is_hidden:
            post_hide(post=post, by=by, hidden=False, reason=reason)
        _log(
            by,
            Action.RESOLVE,
            reason=reason,
            topic=post.topic,
            post=post,
            target=post.author,
            details=f"{closed} report(s) {status}",
        )
    return closed


def member_suspend(*, member, by, days: int, reason: str) -> Suspension:
    """Stop a member from writing in the forum for a number of days."""
    check_moderator(by)
    reason = _reason(reason, required=True)
    if member.pk == by.pk:
        raise ValidationError("You cannot suspend yourself.")
    if is_moderator(member) and not by.is_staff:
        raise PermissionDenied("Only staff can suspend a moderator.")
    if not 1 <= days <= 3650:
        raise ValidationError({"days": "Suspend for between 1 and 3,650 days."})
    with transaction.atomic():
        suspension = Suspension.objects.create(
            member=member, until=timezone.now() + timedelta(days=days), reason=reason, by=by
        )
        _log(by, Action.SUSPEND, reason=reason, target=member, details=f"{days} day(s)")
    return suspension


def member_unsuspend(*, member, by, reason: str = "") -> int:
    """End a member's current suspensions now."""
    check_moderator(by)
    reason = _reason(reason, required=False)
    now = timezone.now()
    with transaction.atomic():
        ended = Suspension.objects.filter(member=member, until__gt=now).update(until=now)
        if ended:
            _log(by, Action.UNSUSPEND, reason=reason, target=member)
    return ended

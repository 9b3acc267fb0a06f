"""Writes in the forum. Each function validates, saves in one transaction and returns the object.

Posting order matters: the member's row is locked first so that two posts sent at once are
checked against the limits one after the other, then the topic row is locked so positions and
counters move together.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from learn.catalog import get_part

from . import antispam, notifications
from .models import (
    Category,
    ModerationLog,
    Notification,
    Post,
    PostLike,
    PostReport,
    PostRevision,
    Topic,
    TopicReadState,
    TopicSubscription,
)
from .permissions import (
    can_edit_post,
    can_like,
    can_mark_answer,
    can_reply,
    check_can_write,
    is_moderator,
)
from .rendering import Rendered, render_post

TITLE_MAX = 140


def clean_title(title: str) -> str:
    """A topic title: one line, 3 to 140 characters."""
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": "Give your topic a title."})
    if len(title) < 3:
        raise ValidationError({"title": "Make the title at least 3 characters long."})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"Keep the title under {TITLE_MAX} characters."})
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    limit = settings.FORUM_POST_MAX_LENGTH
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > limit:
        raise ValidationError(
            {"body": f"That is {len(body):,} characters; the limit is {limit:,}. Shorten it."}
        )
    return body


def clean_part_key(part_key: str) -> str:
    part_key = (part_key or "").strip()
    if part_key and get_part(part_key) is None:
        raise ValidationError({"part_key": "There is no such lesson part."})
    return part_key


def _lock_member(user) -> None:
    # Serializes one member's concurrent posts so the limits see each other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _add_post(*, topic: Topic, author, body: str, rendered: Rendered, now) -> Post:
    position = topic.post_count + 1
    post = Post.objects.create(
        topic=topic,
        author=author,
        position=position,
        body=body,
        body_html=rendered.html,
        created_at=now,
    )
    Topic.objects.filter(pk=topic.pk).update(
        post_count=F("post_count") + 1, last_post_at=now, last_post_author=author
    )
    Category.objects.filter(pk=topic.category_id).update(
        post_count=F("post_count") + 1, last_post_at=now, last_topic=topic
    )
    topic.post_count = position
    topic.last_post_at = now
    TopicSubscription.objects.get_or_create(topic=topic, user=author)
    TopicReadState.objects.update_or_create(
        topic=topic, user=author, defaults={"last_read_position": position, "updated_at": now}
    )
    return post


def topic_create(*, author, category: Category, title: str, body: str, part_key: str = "") -> Topic:
    """Start a topic with its first post; the author is subscribed to it."""
    check_can_write(author)
    title = clean_title(title)
    body = clean_body(body)
    part_key = clean_part_key(part_key)
    rendered = render_post(body)
    with transaction.atomic():
        _lock_member(author)
        antispam.check_post_allowed(author, body=body, body_html=rendered.html, new_topic=True)
        now = timezone.now()
        topic = Topic.objects.create(
            category=category,
            title=title,
            author=author,
            part_key=part_key,
            created_at=now,
            last_post_at=now,
            last_post_author=author,
        )
        Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
        post = _add_post(topic=topic, author=author, body=body, rendered=rendered, now=now)
        notifications.notify_post(post, mentioned=rendered.mentions)
    return topic


def post_reply(*, author, topic: Topic, body: str) -> Post:
    """Add a reply at the end of a topic; subscribers and mentioned members are notified."""
    check_can_write(author)
    body = clean_body(body)
    rendered = render_post(body)
    with transaction.atomic():
        _lock_member(author)
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if not can_reply(author, topic):
            raise ValidationError("This topic is locked: no new replies.", code="locked")
        antispam.check_post_allowed(author, body=body, body_html=rendered.html, new_topic=False)
        post = _add_post(
            topic=topic, author=author, body=body, rendered=rendered, now=timezone.now()
        )
        notifications.notify_post(post, mentioned=rendered.mentions)
    return post


def post_edit(*, post: Post, editor, body: str, title: str | None = None) -> Post:
    """Change a post's text (and the topic title, for a first post); the old text is kept
    as a revision. Newly mentioned members are notified."""
    check_can_write(editor)
    if not can_edit_post(editor, post):
        raise PermissionDenied("You can only edit your own posts.")
    body = clean_body(body)
    topic = post.topic
    new_title = clean_title(title) if title is not None and post.is_first else topic.title
    if body == post.body and new_title == topic.title:
        return post
    rendered = render_post(body)
    already = {u.pk for u in render_post(post.body).mentions}
    with transaction.atomic():
        PostRevision.objects.create(
            post=post,
            body=post.body,
            title=topic.title if post.is_first else "",
            editor=editor,
        )
        post.body = body
        post.body_html = rendered.html
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        if new_title != topic.title:
            # Old addresses still work: a wrong slug redirects to the current one.
            topic.title, topic.slug = new_title, slugify(new_title)[:80] or "topic"
            Topic.objects.filter(pk=topic.pk).update(title=topic.title, slug=topic.slug)
        if editor.pk != post.author_id:
            ModerationLog.objects.create(
                actor=editor, action=ModerationLog.Action.EDIT, topic=topic, post=post,
                target_id=post.author_id,
            )  # fmt: skip
        fresh = [u for u in rendered.mentions if u.pk not in already]
        if fresh:
            notifications.notify_post(post, mentioned=fresh, skip=_subscriber_ids(topic))
    return post


def _subscriber_ids(topic: Topic) -> list[int]:
    # An edit notifies only the newly mentioned, never the subscribers again.
    return list(TopicSubscription.objects.filter(topic=topic).values_list("user_id", flat=True))


def post_delete(*, post: Post, by, reason: str = "") -> Post:
    """Soft-delete a post: a placeholder keeps its place in the thread."""
    if not can_edit_post(by, post):
        raise PermissionDenied("You can only delete your own posts.")
    if by.pk == post.author_id:
        check_can_write(by)
    with transaction.atomic():
        post.is_deleted = True
        post.deleted_at = timezone.now()
        post.save(update_fields=["is_deleted", "deleted_at"])
        Topic.objects.filter(pk=post.topic_id, answer=post).update(answer=None)
        if by.pk != post.author_id:
            ModerationLog.objects.create(
                actor=by, action=ModerationLog.Action.DELETE, topic_id=post.topic_id, post=post,
                target_id=post.author_id, reason=reason,
            )  # fmt: skip
    return post


def like_toggle(*, post: Post, user) -> bool:
    """Like a post, or take the like back; return whether the member now likes it."""
    check_can_write(user)
    if not can_like(user, post):
        raise PermissionDenied("You cannot like your own post.")
    with transaction.atomic():
        removed, _ = PostLike.objects.filter(post=post, user=user).delete()
        if removed:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
            return False
        try:
            with transaction.atomic():
                PostLike.objects.create(post=post, user=user)
        except IntegrityError:  # the same like arrived twice at once
            return True
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
    return True


def answer_set(*, topic: Topic, post: Post | None, by) -> Topic:
    """Mark a reply as the topic's answer (or clear it with post=None)."""
    check_can_write(by)
    if not can_mark_answer(by, topic):
        raise PermissionDenied("Only the topic's author or a moderator can mark the answer.")
    if post is not None:
        if post.topic_id != topic.pk:
            raise ValidationError("That post is in another topic.")
        if post.is_first:
            raise ValidationError("The question itself cannot be its answer.")
        if post.is_deleted or post.is_hidden:
            raise ValidationError("A deleted or hidden post cannot be the answer.")
    with transaction.atomic():
        topic.answer = post
        topic.save(update_fields=["answer"])
        if post is not None:
            notifications.notify_one(
                recipient=post.author, actor=by, kind=Notification.Kind.ANSWER, topic=topic,
                post=post,
            )  # fmt: skip
        if by.pk != topic.author_id and is_moderator(by):
            ModerationLog.objects.create(
                actor=by, action=ModerationLog.Action.ANSWER, topic=topic, post=post,
                target_id=topic.author_id,
            )  # fmt: skip
    return topic


def subscription_set(*, topic: Topic, user, subscribed: bool) -> bool:
    """Follow or stop following a topic's replies."""
    if subscribed:
        TopicSubscription.objects.get_or_create(topic=topic, user=user)
    else:
        TopicSubscription.objects.filter(topic=topic, user=user).delete()
    return subscribed


def read_mark(*, topic: Topic, user, position: int, state: TopicReadState | None) -> None:
    """Remember that the member has seen the topic up to `position` (never moves back)."""
    now = timezone.now()
    if state is None:
        try:
            with transaction.atomic():
                TopicReadState.objects.create(
                    topic=topic, user=user, last_read_position=position, updated_at=now
                )
        except IntegrityError:
            pass
    elif state.last_read_position < position:
        TopicReadState.objects.filter(pk=state.pk, last_read_position__lt=position).update(
            last_read_position=position, updated_at=now
        )


def report_create(*, post: Post, reporter, reason: str) -> PostReport:
    """Report a post to the moderators; enough reports from trusted members hide it."""
    from .moderation import hide_if_reported

    check_can_write(reporter)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say briefly what is wrong with the post."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Keep the reason under 500 characters."})
    if post.author_id == reporter.pk:
        raise ValidationError("You cannot report your own post. Edit or delete it instead.")
    if post.is_deleted:
        raise ValidationError("That post has been deleted.")
    with transaction.atomic():
        if PostReport.objects.filter(
            post=post, reporter=reporter, status=PostReport.Status.OPEN
        ).exists():
            raise ValidationError("You have already reported this post; moderators will look.")
        report = PostReport.objects.create(
            post=post,
            reporter=reporter,
            reason=reason,
            trusted=not antispam.is_new_member(reporter),
        )
        hide_if_reported(post)
    return report

"""Who may do what in the forum. Views open with one of the `get_*_for_*` helpers, which load
the object with what its page needs and raise Http404 / PermissionDenied."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import dateformat, timezone

from .models import Post, Suspension, Topic

MODERATORS_GROUP = "Moderators"


def is_moderator(user) -> bool:
    """Staff and members of the Moderators group; remembered on the user for the request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_forum_is_moderator", None)
    if cached is None:
        cached = user.is_staff or user.groups.filter(name=MODERATORS_GROUP).exists()
        user._forum_is_moderator = cached
    return cached


def active_suspension(user) -> Suspension | None:
    if not user.is_authenticated:
        return None
    return Suspension.objects.filter(member=user, until__gt=timezone.now()).first()


def check_can_write(user) -> None:
    """Members who are not suspended may write; raise PermissionDenied otherwise."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    suspension = active_suspension(user)
    if suspension:
        until = dateformat.format(timezone.localtime(suspension.until), "j F Y, H:i")
        raise PermissionDenied(
            f"Your account is suspended from the forum until {until} UTC: {suspension.reason}"
        )


def can_see_topic(user, topic: Topic) -> bool:
    return not topic.is_hidden or is_moderator(user) or topic.author_id == user.pk


def can_see_post_body(user, post: Post) -> bool:
    """Hidden posts are shown to moderators and their author; others see a placeholder."""
    if post.is_deleted:
        return False
    return not post.is_hidden or is_moderator(user) or post.author_id == user.pk


def can_reply(user, topic: Topic) -> bool:
    return user.is_authenticated and (not topic.is_locked or is_moderator(user))


def can_edit_post(user, post: Post) -> bool:
    if not user.is_authenticated or post.is_deleted:
        return False
    if is_moderator(user):
        return True
    return post.author_id == user.pk and not post.topic.is_locked and not post.is_hidden


def can_mark_answer(user, topic: Topic) -> bool:
    return user.is_authenticated and (topic.author_id == user.pk or is_moderator(user))


def can_like(user, post: Post) -> bool:
    return (
        user.is_authenticated
        and post.author_id != user.pk
        and not post.is_deleted
        and not post.is_hidden
    )


def get_topic_for_user(user, pk: int) -> Topic:
    """The topic with its category and author, or 404 if it does not exist or is hidden."""
    topic = (
        Topic.objects.visible_to(user)
        .select_related("category", "author__profile", "answer__author__profile")
        .filter(pk=pk)
        .first()
    )
    if topic is None:
        raise Http404("No such topic.")
    return topic


def get_post_for_user(user, pk: int) -> Post:
    """The post with its topic, or 404 when the reader may not see its topic."""
    post = Post.objects.select_related("topic__category", "author__profile").filter(pk=pk).first()
    if post is None or not can_see_topic(user, post.topic):
        raise Http404("No such post.")
    return post


def get_post_for_editing(user, pk: int) -> Post:
    post = get_post_for_user(user, pk)
    check_can_write(user)
    if not can_edit_post(user, post):
        raise PermissionDenied("You can only edit your own posts, and not in a locked topic.")
    return post


def get_topic_for_reply(user, pk: int) -> Topic:
    topic = get_topic_for_user(user, pk)
    check_can_write(user)
    if not can_reply(user, topic):
        raise PermissionDenied("This topic is locked: no new replies.")
    return topic


def check_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")

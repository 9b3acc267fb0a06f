"""Reads for forum pages and for other apps (home page, lesson pages, profiles)."""

from django.db.models import QuerySet

from .models import Category, Post, PostLike, Topic, TopicReadState, TopicSubscription
from .permissions import is_moderator


def categories_for(user) -> QuerySet[Category]:
    """The category list with each one's latest topic and who posted last."""
    return Category.objects.select_related(
        "last_topic__last_post_author__profile", "last_topic__category"
    )


def topic_list(user, *, category: Category | None = None) -> QuerySet[Topic]:
    """Topics by latest activity, pinned first, with what a list row shows."""
    topics = Topic.objects.listed_for(user).select_related(
        "category", "author__profile", "last_post_author__profile"
    )
    if category is not None:
        topics = topics.filter(category=category)
    return topics.by_activity()


def topic_posts(topic: Topic) -> QuerySet[Post]:
    return topic.posts.select_related("author__profile").order_by("position")


def read_positions(user, topics) -> dict[int, int]:
    """How far the member has read each of these topics: {topic id: last read position}."""
    if not user.is_authenticated:
        return {}
    return dict(
        TopicReadState.objects.filter(user=user, topic__in=[t.pk for t in topics]).values_list(
            "topic_id", "last_read_position"
        )
    )


def liked_post_ids(user, posts) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        PostLike.objects.filter(user=user, post__in=[p.pk for p in posts]).values_list(
            "post_id", flat=True
        )
    )


def is_subscribed(user, topic: Topic) -> bool:
    return (
        user.is_authenticated and TopicSubscription.objects.filter(topic=topic, user=user).exists()
    )


def page_of_position(topic: Topic, position: int, per_page: int) -> int:
    """The page of the topic on which the post at this position appears."""
    before = topic.posts.filter(position__lt=position).count()
    return before // per_page + 1


def recent_topics(user, *, limit: int = 5) -> list[Topic]:
    """The latest topics this user may see, for the home page."""
    return list(
        Topic.objects.listed_for(user)
        .select_related("category")
        .order_by("-last_post_at", "-pk")[:limit]
    )


def topics_for_part(user, part_key: str, *, limit: int = 5) -> list[Topic]:
    """Discussion topics linked to a lesson part ('track/part'), for the lesson page."""
    return list(
        Topic.objects.listed_for(user)
        .filter(part_key=part_key)
        .select_related("category", "author__profile")
        .order_by("-last_post_at", "-pk")[:limit]
    )


def member_activity(user) -> dict:
    """A member's forum activity for their public profile:
    {"topics": int, "posts": int, "recent": [topics they started or replied to, newest first]}."""
    visible_posts = Post.objects.filter(
        author=user, is_deleted=False, is_hidden=False, topic__is_hidden=False
    )
    # Newest posts first; a topic counts once, at its member's latest post in it.
    recent_ids = visible_posts.order_by("-created_at").values_list("topic_id", flat=True)[:50]
    seen: list[int] = []
    for topic_id in recent_ids:
        if topic_id not in seen:
            seen.append(topic_id)
    topics = Topic.objects.filter(pk__in=seen[:5]).select_related("category").in_bulk()
    return {
        "topics": Topic.objects.filter(author=user, is_hidden=False).count(),
        "posts": visible_posts.count(),
        "recent": [topics[pk] for pk in seen[:5] if pk in topics],
    }


def search_scope(user) -> QuerySet[Post]:
    """Posts a search may return to this user."""
    posts = Post.objects.filter(is_deleted=False)
    if not is_moderator(user):
        posts = posts.filter(is_hidden=False, topic__is_hidden=False)
    return posts


def accepted_answers_for_part(part_key: str) -> list[dict]:
    """Replies marked as the answer in visible topics linked to a lesson part, for the tutor:
    [{"id", "title", "url", "body", "stamp"}] (stamp changes when the post is edited)."""
    topics = (
        Topic.objects.filter(
            part_key=part_key,
            is_hidden=False,
            answer__isnull=False,
            answer__is_deleted=False,
            answer__is_hidden=False,
        )
        .select_related("answer")
        .order_by("-pk")[:200]
    )
    return [
        {
            "id": topic.answer.pk,
            "title": topic.title,
            "url": topic.answer.get_absolute_url(),
            "body": topic.answer.body,
            "stamp": f"{topic.pk}|{topic.answer.edited_at or topic.answer.created_at}",
        }
        for topic in topics
    ]

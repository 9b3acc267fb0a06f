"""Atom feeds of the latest topics, site-wide and per category."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from .models import Category, Post, Topic
from .templatetags.forum import member_name

FEED_SIZE = 30


def feed_topics(category: Category | None = None) -> list[Topic]:
    """The newest topics a visitor may see, each with `first_html`: its first post's HTML
    (empty when that post is deleted or hidden)."""
    topics = Topic.objects.filter(is_hidden=False).select_related("author__profile", "category")
    if category is not None:
        topics = topics.filter(category=category)
    topics = list(topics.order_by("-created_at", "-pk")[:FEED_SIZE])
    firsts = Post.objects.filter(
        topic__in=topics, position=1, is_deleted=False, is_hidden=False
    ).values_list("topic_id", "body_html")
    html = dict(firsts)
    for topic in topics:
        topic.first_html = html.get(topic.pk, "")
    return topics


class LatestTopicsFeed(Feed):
    feed_type = Atom1Feed
    title = "AgenticWorks forum: latest topics"
    subtitle = "New topics in the AgenticWorks forum."
    link = "/forum/"

    def items(self):
        return feed_topics()

    def item_title(self, item: Topic) -> str:
        return item.title

    def item_description(self, item: Topic) -> str:
        return item.first_html

    def item_author_name(self, item: Topic) -> str:
        return member_name(item.author)

    def item_pubdate(self, item: Topic):
        return item.created_at

    def item_updateddate(self, item: Topic):
        return item.last_post_at

    def item_categories(self, item: Topic):
        return [item.category.name]


class CategoryTopicsFeed(LatestTopicsFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return f"AgenticWorks forum: {obj.name}"

    def subtitle(self, obj: Category) -> str:
        return obj.description or f"New topics in {obj.name}."

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Category):
        return feed_topics(obj)

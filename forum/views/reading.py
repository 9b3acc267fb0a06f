"""Pages for reading: categories, topic lists, topics, posts, search, unread jumps."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property

from .. import permissions, search, selectors, services
from ..forms import ReplyForm
from ..models import Category, Topic, TopicReadState
from .refusals import explain_refusals


class KnownCountPaginator(Paginator):
    """A paginator that trusts a count the caller already has (a counter column)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@explain_refusals
def index(request):
    categories = list(selectors.categories_for(request.user))
    moderator = permissions.is_moderator(request.user)
    for category in categories:
        last = category.last_topic
        category.visible_last_topic = last if last and (not last.is_hidden or moderator) else None
    return render(
        request,
        "forum/index.html",
        {"categories": categories, "recent": selectors.recent_topics(request.user, limit=8)},
    )


def _topic_rows(user, page) -> list[Topic]:
    topics = list(page.object_list)
    read = selectors.read_positions(user, topics)
    for topic in topics:
        if user.is_authenticated:
            seen = read.get(topic.pk)
            topic.is_new = seen is None
            topic.unread_count = 0 if seen is None else max(0, topic.post_count - seen)
        else:
            topic.is_new, topic.unread_count = False, 0
    return topics


@explain_refusals
def category_detail(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    page = Paginator(
        selectors.topic_list(request.user, category=category), settings.FORUM_TOPICS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/category.html",
        {"category": category, "page": page, "topics": _topic_rows(request.user, page)},
    )


@explain_refusals
def latest(request):
    page = Paginator(selectors.topic_list(request.user), settings.FORUM_TOPICS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "forum/latest.html", {"page": page, "topics": _topic_rows(request.user, page)}
    )


def _decorate_posts(user, topic: Topic, posts, *, last_read: int) -> None:
    liked = selectors.liked_post_ids(user, posts)
    for post in posts:
        post.topic = topic  # already loaded; saves a query per post
        post.show_body = permissions.can_see_post_body(user, post)
        post.can_edit = permissions.can_edit_post(user, post)
        post.can_like = permissions.can_like(user, post)
        post.liked = post.pk in liked
        post.is_answer = topic.answer_id == post.pk
        post.is_unread = user.is_authenticated and post.position > last_read
        post.can_mark_answer = (
            not post.is_first
            and not post.is_deleted
            and not post.is_hidden
            and permissions.can_mark_answer(user, topic)
        )


@explain_refusals
def topic_detail(request, slug: str, pk: int):
    user = request.user
    topic = permissions.get_topic_for_user(user, pk)
    if slug != topic.slug:
        return redirect(topic)
    paginator = KnownCountPaginator(
        selectors.topic_posts(topic), settings.FORUM_POSTS_PER_PAGE, count=topic.post_count
    )
    page = paginator.get_page(request.GET.get("page"))
    posts = list(page.object_list)
    state = None
    if user.is_authenticated:
        state = TopicReadState.objects.filter(topic=topic, user=user).first()
    last_read = state.last_read_position if state else 0
    _decorate_posts(user, topic, posts, last_read=last_read)
    context = {
        "topic": topic,
        "page": page,
        "posts": posts,
        "is_moderator": permissions.is_moderator(user),
        "first_unread": last_read + 1 if state and last_read < topic.post_count else None,
    }
    if user.is_authenticated:
        context["subscribed"] = selectors.is_subscribed(user, topic)
        context["suspension"] = permissions.active_suspension(user)
        context["can_reply"] = permissions.can_reply(user, topic) and not context["suspension"]
        if context["can_reply"]:
            context["form"] = ReplyForm()
        if posts:
            services.read_mark(topic=topic, user=user, position=posts[-1].position, state=state)
    return render(request, "forum/topic.html", context)


@explain_refusals
def topic_by_id(request, pk: int):
    return redirect(permissions.get_topic_for_user(request.user, pk))


def post_url(post, per_page: int | None = None) -> str:
    """The address of a post inside its topic: the right page and the post's anchor."""
    per_page = per_page or settings.FORUM_POSTS_PER_PAGE
    page = selectors.page_of_position(post.topic, post.position, per_page)
    query = f"?page={page}" if page > 1 else ""
    return f"{post.topic.get_absolute_url()}{query}#post-{post.position}"


@explain_refusals
def post_detail(request, pk: int):
    post = permissions.get_post_for_user(request.user, pk)
    return redirect(post_url(post))


@explain_refusals
def topic_unread(request, pk: int):
    """Jump to the first post the member has not seen yet (or the last post)."""
    topic = permissions.get_topic_for_user(request.user, pk)
    state = None
    if request.user.is_authenticated:
        state = TopicReadState.objects.filter(topic=topic, user=request.user).first()
    position = min((state.last_read_position if state else 0) + 1, topic.post_count)
    post = topic.posts.filter(position__gte=position).order_by("position").first()
    if post is None:
        return redirect(topic)
    post.topic = topic
    return redirect(post_url(post))


@explain_refusals
def post_revisions(request, pk: int):
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_see_post_body(request.user, post):
        raise Http404("No such post.")
    revisions = post.revisions.select_related("editor__profile")
    return render(request, "forum/revisions.html", {"post": post, "revisions": revisions})


@explain_refusals
def search_view(request):
    query = request.GET.get("q", "").strip()[:200]
    results = search.search_posts(request.user, query) if query else []
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/search.html",
        {"query": query, "page": page, "engine": search.engine_name(), "searched": bool(query)},
    )

"""Search across topic titles and posts, best matches first.

On PostgreSQL this is its full-text search (title weighted above body, `websearch` syntax:
quotes for phrases, `-word` to exclude). Elsewhere (SQLite in development) every word must
appear in the title or the body, and title matches rank first.
"""

import re

from django.db import connection
from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When

from .selectors import search_scope

MAX_TERMS = 8


def engine_name() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "simple"


def search_posts(user, query: str) -> QuerySet:
    """Posts matching the query that the user may see, each with `rank`, best first."""
    posts = search_scope(user).select_related("topic__category", "author__profile")
    if connection.vendor == "postgresql":
        return _postgres(posts, query)
    return _simple(posts, query)


def _first_post_title():
    # A title belongs to its topic's first post, so a title match returns one post per topic.
    return Case(
        When(position=1, then=F("topic__title")), default=Value(""), output_field=CharField()
    )


def _postgres(posts: QuerySet, query: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(_first_post_title(), weight="A", config="english") + SearchVector(
        "body", weight="B", config="english"
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    return (
        posts.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "-created_at")
    )


def _simple(posts: QuerySet, query: str) -> QuerySet:
    words = re.split(r"\s+", query.replace('"', " "))
    terms = [w for w in words if w and not w.startswith("-")][:MAX_TERMS]
    if not terms:
        return posts.none()
    rank = Value(0)
    for term in terms:
        in_title = Q(position=1, topic__title__icontains=term)
        in_body = Q(body__icontains=term)
        posts = posts.filter(in_title | in_body)
        rank = rank + _score(in_title, 3) + _score(in_body, 1)
    for word in words:
        if len(word) > 1 and word.startswith("-"):
            posts = posts.exclude(body__icontains=word[1:])
    return posts.annotate(rank=rank).order_by(F("rank").desc(), "-created_at")


def _score(condition: Q, points: int):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())

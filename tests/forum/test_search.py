"""Search across titles and posts, best matches first, only what the reader may see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from forum import moderation, search, services


@pytest.fixture
def corpus(member, other_member, make_topic):
    a = make_topic(member, title="Sigmoid overflow in training", body="My loss explodes.")
    b = make_topic(member, title="Plotting weights", body="How do I plot a sigmoid curve?")
    services.post_reply(author=other_member, topic=b, body="Use matplotlib for the sigmoid.")
    c = make_topic(member, title="Unrelated", body="Nothing to see")
    return a, b, c


def test_title_matches_rank_above_body_matches(visitor, corpus):
    html = visitor.get(reverse("forum:search"), {"q": "sigmoid"}).content.decode()
    assert "3 results" in html
    assert html.index("Sigmoid overflow in training") < html.index("Plotting weights")
    assert "Unrelated" not in html


def test_every_word_must_match(corpus):
    results = list(search.search_posts(AnonymousUser(), "sigmoid matplotlib"))
    assert [p.body for p in results] == ["Use matplotlib for the sigmoid."]


def test_hidden_and_deleted_posts_are_not_found(visitor, corpus, moderator, other_member):
    _, b, _ = corpus
    reply = b.posts.get(position=2)
    moderation.post_hide(post=reply, by=moderator, hidden=True, reason="x")
    moderation.topic_hide(topic=corpus[0], by=moderator, hidden=True, reason="x")
    html = visitor.get(reverse("forum:search"), {"q": "sigmoid"}).content.decode()
    assert "1 result" in html
    assert "Sigmoid overflow" not in html
    services.post_delete(post=b.posts.get(position=1), by=b.author)
    assert "0 results" in visitor.get(reverse("forum:search"), {"q": "sigmoid"}).content.decode()


def test_moderators_find_hidden_posts(moderator_client, corpus, moderator):
    moderation.topic_hide(topic=corpus[0], by=moderator, hidden=True, reason="x")
    html = moderator_client.get(reverse("forum:search"), {"q": "sigmoid"}).content.decode()
    assert "Sigmoid overflow" in html


def test_empty_query_shows_only_the_form(visitor, db):
    html = visitor.get(reverse("forum:search"), {"q": "   "}).content.decode()
    assert "result" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_full_text_search_stems_and_ranks(visitor, corpus):
    assert search.engine_name() == "postgresql"
    results = list(search.search_posts(AnonymousUser(), "plotting"))  # stems to "plot"
    assert results[0].topic.title == "Plotting weights"
    assert all(p.rank > 0 for p in results)
    phrase = list(search.search_posts(AnonymousUser(), '"loss explodes"'))
    assert [p.body for p in phrase] == ["My loss explodes."]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback for SQLite")
def test_simple_search_is_used_elsewhere(corpus):
    assert search.engine_name() == "simple"
    assert list(search.search_posts(AnonymousUser(), "-sigmoid")) == []

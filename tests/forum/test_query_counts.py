"""Pinned query counts: list and detail pages cost the same with 1 row or 100."""

from django.urls import reverse

from forum import services
from forum.models import Category, TopicReadState


def _fill(make_topic, member, other_member, n_topics: int, n_replies: int):
    topic = None
    for n in range(n_topics):
        topic = make_topic(member, title=f"Topic {n}")
    for n in range(n_replies):
        services.post_reply(author=other_member if n % 2 else member, topic=topic, body=f"R {n}")
    return topic


def test_category_index_queries(visitor, member_client, make_topic, member, other_member,
                                django_assert_num_queries):  # fmt: skip
    for slug in ("lesson-help", "show-and-tell", "machine-learning"):
        cat = Category.objects.get(slug=slug)
        for n in range(3):
            topic = make_topic(member, title=f"Topic {n} in {slug}", cat=cat)
        services.post_reply(author=other_member, topic=topic, body="A reply")
    # categories (+ last topics and their last posters), recent topics
    with django_assert_num_queries(2):
        assert visitor.get(reverse("forum:index")).status_code == 200
    # + session, user, moderator check, header count and profile
    with django_assert_num_queries(7):
        assert member_client.get(reverse("forum:index")).status_code == 200


def test_topic_list_queries_do_not_grow_with_topics(visitor, member_client, make_topic, member,
                                                    other_member, category,
                                                    django_assert_num_queries):  # fmt: skip
    _fill(make_topic, member, other_member, 30, 5)
    # category, count, page of topics
    with django_assert_num_queries(3):
        assert visitor.get(category.get_absolute_url()).status_code == 200
    # + session, user, moderator check, read states, header count, profile
    with django_assert_num_queries(9):
        assert member_client.get(category.get_absolute_url()).status_code == 200


def test_topic_page_with_100_posts_has_no_n_plus_one(visitor, member_client, make_topic, member,
                                                     other_member, settings,
                                                     django_assert_num_queries):  # fmt: skip
    settings.FORUM_POSTS_PER_PAGE = 100
    topic = _fill(make_topic, member, other_member, 1, 99)
    posts = list(topic.posts.all())
    services.like_toggle(post=posts[2], user=member)
    services.answer_set(topic=topic, post=posts[2], by=member)
    services.post_edit(post=posts[4], editor=other_member, body="edited")
    services.post_delete(post=posts[5], by=member)
    assert topic.posts.count() == 100

    # topic (with category, author and answer), posts with authors and profiles
    with django_assert_num_queries(2):
        html = visitor.get(topic.get_absolute_url()).content.decode()
    assert html.count('<li class="post') == 100
    # + session, user, read state, likes, moderator check, subscription, suspension,
    # read-state write (there is something new to read), header count, profile
    TopicReadState.objects.filter(user=member).update(last_read_position=0)
    with django_assert_num_queries(12):
        assert member_client.get(topic.get_absolute_url()).status_code == 200

"""Forum fixtures: categories from the first-run migration, and quick ways to make topics.

Posting limits are relaxed here so tests can post several times in a row; the anti-spam tests
set the limits they exercise.
"""

import pytest

from forum import services
from forum.models import Category


@pytest.fixture(autouse=True)
def _relaxed_limits(settings):
    settings.FORUM_POST_INTERVAL = 0
    settings.FORUM_NEW_MEMBER_POST_INTERVAL = 0
    settings.FORUM_DUPLICATE_WINDOW = 0
    settings.FORUM_NEW_MEMBER_TOPICS_PER_DAY = 1000
    settings.FORUM_NEW_MEMBER_REPLIES_PER_DAY = 1000
    settings.FORUM_TOPICS_PER_DAY = 1000
    settings.FORUM_REPLIES_PER_DAY = 1000


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(slug="lesson-help")


@pytest.fixture
def other_category(db) -> Category:
    return Category.objects.get(slug="show-and-tell")


@pytest.fixture
def make_topic(category):
    def make(author, *, title="How do I reshape an image?", body="I tried `x.reshape(9)`.",
             cat=None, part_key=""):  # fmt: skip
        return services.topic_create(
            author=author, category=cat or category, title=title, body=body, part_key=part_key
        )

    return make


@pytest.fixture
def topic(make_topic, member):
    return make_topic(member)


@pytest.fixture
def reply(topic, other_member):
    return services.post_reply(author=other_member, topic=topic, body="Use `x.reshape(3, 3)`.")

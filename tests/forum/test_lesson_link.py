"""Topics linked to lesson parts, and sharing a plot from a lesson cell to the forum."""

import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from forum import moderation, selectors, services
from forum.models import PostImage
from forum.sharing import figure_draft
from learn.catalog import cell_label
from learn.figures import figure_remember

PART = "brains-decision-committee/03-activation-functions"


def test_new_topic_form_prefills_the_part_and_lesson_help(member_client, category):
    html = member_client.get(reverse("forum:new_topic") + f"?part={PART}").content.decode()
    assert f'<option value="{PART}" selected>' in html
    assert f'<option value="{category.pk}" selected>' in html


def test_unknown_part_in_the_query_is_ignored(member_client, db):
    html = member_client.get(reverse("forum:new_topic") + "?part=nope/never").content.decode()
    assert "selected>Part" not in html


def test_topics_for_part_lists_visible_topics_for_that_part(member, make_topic, moderator):
    linked = make_topic(member, title="Sigmoid question", part_key=PART)
    hidden = make_topic(member, title="Spam about sigmoid", part_key=PART)
    make_topic(member, title="Not about a part")
    moderation.topic_hide(topic=hidden, by=moderator, hidden=True, reason="spam")
    assert selectors.topics_for_part(AnonymousUser(), PART, limit=5) == [linked]


def test_recent_topics_and_member_activity(member, other_member, make_topic, topic):
    services.post_reply(author=other_member, topic=topic, body="A reply")
    second = make_topic(other_member, title="Another question")
    assert selectors.recent_topics(AnonymousUser(), limit=1) == [second]
    activity = selectors.member_activity(other_member)
    assert (activity["topics"], activity["posts"]) == (1, 2)
    assert activity["recent"] == [second, topic]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), "navy").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def figure_id(member):
    request = RequestFactory().post("/")
    request.user = member
    return figure_remember(
        request,
        track="brains-decision-committee",
        part="03-activation-functions",
        cell_id="plot-collapse",
        code="plt.plot(z, 1 / (1 + np.exp(-z)))",
        png=_png(),
    )


def test_share_figure_stores_the_image_and_opens_a_filled_in_form(member_client, figure_id):
    response = member_client.post(reverse("forum:share_figure"), {"figure_id": figure_id})
    image = PostImage.objects.get()
    assert response["Location"] == reverse("forum:new_topic") + f"?image={image.pk}"
    assert (image.width, image.height, image.cell_id) == (8, 6, "plot-collapse")
    form = member_client.get(response["Location"]).content.decode()
    # The page's name for the cell ("cell 003"), never its internal id.
    label = cell_label(PART, "plot-collapse")
    assert re.fullmatch(r"cell \d{3}", label)
    assert f"![Plot from {label}]({image.file.url})" in form
    assert f"Part 03 · Activation functions, {label}]" in form
    assert "```python\nplt.plot(z, 1 / (1 + np.exp(-z)))\n```" in form
    assert "03-activation-functions/#cell-plot-collapse" in form
    assert f'<option value="{PART}" selected>' in form
    assert "A plot from Activation functions" in form


def test_shared_image_renders_in_the_posted_topic(member_client, member, figure_id, category):
    member_client.post(reverse("forum:share_figure"), {"figure_id": figure_id})
    image = PostImage.objects.get()
    draft = figure_draft(image)
    topic = services.topic_create(
        author=member, category=category, title=draft["title"], body=draft["body"]
    )
    html = member_client.get(topic.get_absolute_url()).content.decode()
    label = cell_label(PART, "plot-collapse")
    assert f'<img alt="Plot from {label}" src="{image.file.url}"' in html


def test_expired_or_unknown_figure_gets_a_clear_message(member_client, db):
    response = member_client.post(
        reverse("forum:share_figure"), {"figure_id": "nope", "next": "/learn/"}, follow=True
    )
    assert response.status_code == 200
    assert "no longer available to share" in response.content.decode()
    assert not PostImage.objects.exists()


def test_someone_elses_figure_cannot_be_shared(other_member_client, figure_id):
    other_member_client.post(reverse("forum:share_figure"), {"figure_id": figure_id})
    assert not PostImage.objects.exists()


def test_visitor_is_sent_to_sign_in(visitor, db):
    response = visitor.post(
        reverse("forum:share_figure"), {"figure_id": "x", "next": "/learn/part/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_share_needs_post(member_client, db):
    assert member_client.get(reverse("forum:share_figure")).status_code == 405


def test_someone_elses_image_does_not_prefill(other_member_client, member_client, figure_id):
    member_client.post(reverse("forum:share_figure"), {"figure_id": figure_id})
    image = PostImage.objects.get()
    html = other_member_client.get(reverse("forum:new_topic") + f"?image={image.pk}")
    assert "Plot from" not in html.content.decode()


def test_part_discussion_box_for_the_lesson_page(rf, member, make_topic):
    make_topic(member, title="Sigmoid question", part_key=PART)
    request = rf.get("/")
    request.user = AnonymousUser()
    html = Template("{% load forum %}{% part_discussion key %}").render(
        Context({"key": PART, "request": request, "user": request.user})
    )
    assert "Sigmoid question" in html
    assert f'href="/forum/new/?part={PART}"' in html
    assert "Ask about this part" in html

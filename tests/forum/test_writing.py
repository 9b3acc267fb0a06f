"""New topics, replies, quotes, edits and deletes through the pages, with bad input and
permissions."""

import pytest
from django.urls import reverse

from forum import moderation
from forum.models import Category, Post, PostRevision, Topic

PART = "brains-decision-committee/03-activation-functions"


def _topic_form(category, **overrides):
    return {"category": category.pk, "title": "Sigmoid overflow", "body": "Why?", **overrides}


def test_visitor_is_sent_to_sign_in(visitor, db):
    response = visitor.get(reverse("forum:new_topic"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_member_posts_a_topic_with_code_and_maths(member_client, member, category):
    body = (
        "```python\nimport numpy as np\nprint(np.ones(3))\n```\n\n"
        "$$\\sigma(z) = \\frac{1}{1+e^{-z}}$$"
    )
    response = member_client.post(
        reverse("forum:new_topic"), _topic_form(category, body=body, part_key=PART)
    )
    topic = Topic.objects.get()
    assert response["Location"] == topic.get_absolute_url()
    assert topic.part_key == PART
    html = member_client.get(topic.get_absolute_url()).content.decode()
    assert 'class="highlight"' in html
    assert "<math" in html
    assert "About Part 03 · Activation functions" in html
    category.refresh_from_db()
    assert (category.topic_count, category.post_count) == (1, 1)
    assert topic.subscriptions.filter(user=member).exists()


def test_preview_renders_without_posting(member_client, category):
    response = member_client.post(
        reverse("forum:new_topic"), _topic_form(category, body="**bold** text", preview="1")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "**bold** text</textarea>" in html
    assert not Topic.objects.exists()


def test_live_preview_endpoint_returns_clean_html(member_client, db):
    response = member_client.post(reverse("forum:preview"), {"body": "<b>x</b> *y*"})
    assert response.content.decode() == "<p>&lt;b&gt;x&lt;/b&gt; <em>y</em></p>"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give your topic a title."),
        ({"title": "ab"}, "at least 3 characters"),
        ({"title": "x" * 141}, "at most 140 characters"),
        ({"body": ""}, "Write something first."),
        ({"body": "x" * 20001}, "at most 20000 characters"),
        ({"category": 9999}, "That category does not exist."),
        ({"category": ""}, "Choose a category."),
        ({"part_key": "nope/never"}, "There is no such lesson part."),
    ],
)
def test_bad_input_is_explained_and_the_draft_kept(member_client, category, overrides, message):
    form = {**_topic_form(category, body="My carefully written draft"), **overrides}
    response = member_client.post(reverse("forum:new_topic"), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if form["body"] == "My carefully written draft":
        assert "My carefully written draft</textarea>" in html
    assert not Topic.objects.exists()


def test_body_limit_is_a_setting(member_client, category, settings):
    settings.FORUM_POST_MAX_LENGTH = 50
    response = member_client.post(reverse("forum:new_topic"), _topic_form(category, body="y" * 60))
    assert "the limit is 50" in response.content.decode()


def test_reply_goes_to_the_end_and_lands_on_the_post(other_member_client, topic):
    response = other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert response["Location"] == f"{topic.get_absolute_url()}#post-2"
    topic.refresh_from_db()
    assert topic.post_count == 2
    assert topic.posts.get(position=2).body == "Hi"


def test_empty_reply_is_refused_with_the_message(other_member_client, topic):
    response = other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": " "})
    assert "Write something first." in response.content.decode()
    assert topic.posts.count() == 1


def test_quote_prefills_the_reply(other_member_client, topic):
    first = topic.posts.get()
    response = other_member_client.get(
        reverse("forum:reply", args=[topic.pk]) + f"?quote={first.pk}"
    )
    html = response.content.decode()
    assert "&gt; @ada [wrote](/forum/p/" in html
    assert "&gt; I tried `x.reshape(9)`." in html


def test_quoted_reply_renders_as_a_blockquote(other_member_client, topic):
    first = topic.posts.get()
    other_member_client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"body": f"> @ada [wrote](/forum/p/{first.pk}/):\n>\n> I tried it\n\nTry this."},
    )
    html = other_member_client.get(topic.get_absolute_url()).content.decode()
    assert "<blockquote>" in html


def test_nobody_replies_to_a_locked_topic(other_member_client, topic, moderator):
    moderation.topic_lock(topic=topic, by=moderator, locked=True)
    assert "locked" in other_member_client.get(topic.get_absolute_url()).content.decode()
    response = other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert response.status_code == 403
    assert topic.posts.count() == 1


def test_moderator_can_still_reply_to_a_locked_topic(moderator_client, topic, moderator):
    moderation.topic_lock(topic=topic, by=moderator, locked=True)
    moderator_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Closing note"})
    assert topic.posts.count() == 2


def test_reply_to_unknown_topic_is_404(member_client, db):
    assert member_client.post(reverse("forum:reply", args=[999]), {"body": "x"}).status_code == 404


def test_member_edits_own_post_and_the_revision_is_kept(member_client, topic):
    first = topic.posts.get()
    response = member_client.post(
        reverse("forum:edit", args=[first.pk]), {"title": "A better title", "body": "Better"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    topic.refresh_from_db()
    assert first.body == "Better"
    assert first.edited_at is not None
    assert topic.title == "A better title"
    revision = PostRevision.objects.get(post=first)
    assert revision.body == "I tried `x.reshape(9)`."
    assert revision.title == "How do I reshape an image?"
    old_address = reverse("forum:topic", args=["how-do-i-reshape-an-image", topic.pk])
    assert member_client.get(old_address)["Location"] == topic.get_absolute_url()
    assert "a-better-title" in topic.get_absolute_url()


def test_links_are_nofollow_and_script_links_are_dropped(member_client, topic, visitor):
    member_client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"body": "[docs](https://numpy.org) and [bad](javascript:alert(1))"},
    )
    html = visitor.get(topic.get_absolute_url()).content.decode()
    assert '<a href="https://numpy.org" rel="nofollow ugc noopener">docs</a>' in html
    assert '<a rel="nofollow ugc noopener">bad</a>' in html
    assert "javascript:" not in html


def test_edit_with_an_empty_body_keeps_the_draft(member_client, topic):
    first = topic.posts.get()
    response = member_client.post(reverse("forum:edit", args=[first.pk]), {"title": "", "body": ""})
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.body == "I tried `x.reshape(9)`."


def test_member_cannot_edit_or_delete_someone_elses_post(other_member_client, topic):
    first = topic.posts.get()
    for name in ("forum:edit", "forum:delete"):
        assert other_member_client.get(reverse(name, args=[first.pk])).status_code == 403
        assert (
            other_member_client.post(
                reverse(name, args=[first.pk]), {"body": "mine now"}
            ).status_code
            == 403
        )
    first.refresh_from_db()
    assert first.body == "I tried `x.reshape(9)`."
    assert not first.is_deleted


def test_edit_and_delete_buttons_only_for_the_author(other_member_client, member_client, topic):
    assert ">Edit</a>" not in other_member_client.get(topic.get_absolute_url()).content.decode()
    assert ">Edit</a>" in member_client.get(topic.get_absolute_url()).content.decode()


def test_moderator_can_edit_and_delete_others_posts_and_it_is_logged(
    moderator_client, topic, reply
):
    moderator_client.post(reverse("forum:edit", args=[reply.pk]), {"body": "Tidied"})
    moderator_client.post(reverse("forum:delete", args=[reply.pk]), {"reason": "Duplicate"})
    reply.refresh_from_db()
    assert reply.body == "Tidied"
    assert reply.is_deleted
    actions = set(topic.moderationlog_set.values_list("action", flat=True))
    assert actions == {"edit", "delete"}


def test_member_deletes_own_reply_softly(other_member_client, reply, topic):
    assert (
        "Delete this post?"
        in other_member_client.get(reverse("forum:delete", args=[reply.pk])).content.decode()
    )
    other_member_client.post(reverse("forum:delete", args=[reply.pk]))
    reply.refresh_from_db()
    assert reply.is_deleted
    assert Post.objects.filter(pk=reply.pk).exists()


def test_suspended_member_cannot_post_reply_or_edit(
    member_client, member, topic, moderator, category
):
    moderation.member_suspend(member=member, by=moderator, days=3, reason="Spamming links")
    new = member_client.post(reverse("forum:new_topic"), _topic_form(category))
    assert new.status_code == 403
    assert "suspended" in new.content.decode()
    assert (
        member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "x"}).status_code
        == 403
    )
    edit = member_client.post(reverse("forum:edit", args=[topic.posts.get().pk]), {"body": "x"})
    assert edit.status_code == 403
    assert Topic.objects.count() == 1
    page = member_client.get(topic.get_absolute_url()).content.decode()
    assert "Your account is suspended from the forum" in page


def test_new_topic_form_preselects_category_from_the_query(member_client, db):
    slug = "show-and-tell"
    html = member_client.get(reverse("forum:new_topic") + f"?category={slug}").content.decode()
    pk = Category.objects.get(slug=slug).pk
    assert f'<option value="{pk}" selected>' in html


def test_quoting_a_post_keeps_its_code_block(make_topic, member, other_member_client):
    body = "Here is mine:\n\n```python\nweights = np.zeros(9)\nprint(weights)\n```"
    topic = make_topic(member, body=body)
    code_post = topic.posts.get()
    page = other_member_client.get(
        reverse("forum:reply", args=[topic.pk]) + f"?quote={code_post.pk}"
    )
    prefilled = page.context["form"].initial["body"]
    other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": prefilled})
    html = other_member_client.get(topic.get_absolute_url()).content.decode()
    quote = html[html.rindex("<blockquote>") : html.rindex("</blockquote>")]
    # A highlighted block with both lines, not one flattened line of inline code.
    assert '<div class="highlight"><pre>' in quote
    assert 'weights</span> <span class="o">=</span>' in quote
    assert '\n<span class="nb">print</span>' in quote

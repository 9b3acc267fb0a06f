"""Comments on projects: threaded one level, deletable by their author or staff, rate limited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from showcase import services
from showcase.models import Comment

from .factories import make_project


@pytest.fixture
def project(member):
    return make_project(member)


def comment_url(project) -> str:
    return reverse("showcase:comment", args=[project.pk])


def test_a_member_comments_and_lands_on_the_comment(other_member_client, project):
    response = other_member_client.post(comment_url(project), {"body": "Lovely *plot*."})
    comment = Comment.objects.get()
    assert response.url == f"{project.get_absolute_url()}#comment-{comment.pk}"
    project.refresh_from_db()
    assert project.comment_count == 1
    page = other_member_client.get(project.get_absolute_url()).content.decode()
    assert "Lovely <em>plot</em>." in page
    assert f'id="comment-{comment.pk}"' in page


def test_an_empty_comment_is_refused_and_nothing_saved(other_member_client, project):
    response = other_member_client.post(comment_url(project), {"body": "   "})
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_replies_are_one_level_deep(other_member_client, member, other_member, project):
    top = services.comment_create(project=project, author=other_member, body="Question?")
    reply = services.comment_create(project=project, author=member, body="Answer.", parent=top)
    other_member_client.post(comment_url(project), {"body": "Thanks!", "parent": reply.pk})
    latest = Comment.objects.latest("pk")
    assert latest.parent == top
    page = other_member_client.get(project.get_absolute_url()).content.decode()
    assert page.index("Question?") < page.index("Answer.") < page.index("Thanks!")
    assert "Author</span>" in page  # the project's author is marked in the thread


def test_a_reply_error_is_shown_in_its_thread(other_member_client, other_member, project):
    top = services.comment_create(project=project, author=other_member, body="Question?")
    response = other_member_client.post(comment_url(project), {"body": "", "parent": top.pk})
    assert response.context["reply_to"] == str(top.pk)
    assert '<details class="reply-box" open>' in response.content.decode()


def test_visitors_cannot_comment(visitor, project):
    response = visitor.post(comment_url(project), {"body": "Hi"})
    assert response.url.startswith(reverse("login"))
    assert not Comment.objects.exists()


def test_no_comments_on_drafts(member_client, member):
    draft = make_project(member, publish=False)
    response = member_client.post(comment_url(draft), {"body": "Note to self"})
    assert "Comments open when the project is published." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_author_deletes_their_comment(other_member_client, other_member, project):
    comment = services.comment_create(project=project, author=other_member, body="Oops")
    other_member_client.post(reverse("showcase:comment_delete", args=[comment.pk]))
    assert not Comment.objects.exists()
    project.refresh_from_db()
    assert project.comment_count == 0


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(
    other_member_client, member, other_member, project
):
    top = services.comment_create(project=project, author=other_member, body="Original text")
    reply = services.comment_create(project=project, author=member, body="Reply", parent=top)
    other_member_client.post(reverse("showcase:comment_delete", args=[top.pk]))
    page = other_member_client.get(project.get_absolute_url()).content.decode()
    assert "Original text" not in page
    assert "This comment was deleted." in page
    assert "Reply" in page
    services.comment_delete(comment=reply)
    assert not Comment.objects.exists()  # the placeholder goes with its last reply
    project.refresh_from_db()
    assert project.comment_count == 0


def test_others_cannot_delete_a_comment_but_staff_can(
    member_client, staff_client, other_member, project
):
    comment = services.comment_create(project=project, author=other_member, body="Mine")
    url = reverse("showcase:comment_delete", args=[comment.pk])
    assert member_client.post(url).status_code == 403  # even the project's author
    assert staff_client.post(url).status_code == 302
    assert not Comment.objects.exists()


def test_comment_rate_limit_with_a_lower_one_for_new_accounts(
    other_member_client, other_member, project, settings
):
    settings.SHOWCASE_COMMENTS_PER_HOUR = 3
    settings.SHOWCASE_COMMENTS_PER_HOUR_NEW = 1
    other_member_client.post(comment_url(project), {"body": "one"})
    response = other_member_client.post(comment_url(project), {"body": "two"})
    assert "while your account is new" in response.content.decode()
    assert response.context["comment_form"]["body"].value() == "two"  # input kept

    other_member.date_joined = timezone.now() - timedelta(days=2)
    other_member.save()
    for body in ["two", "three"]:
        assert other_member_client.post(comment_url(project), {"body": body}).status_code == 302
    response = other_member_client.post(comment_url(project), {"body": "four"})
    assert "as many comments as we allow in an hour" in response.content.decode()
    assert Comment.objects.count() == 3


def test_a_reply_to_a_comment_that_is_gone_is_refused(other_member_client, project):
    response = other_member_client.post(comment_url(project), {"body": "Hi", "parent": 9999})
    assert "That comment is no longer there to reply to." in response.content.decode()
    assert not Comment.objects.exists()

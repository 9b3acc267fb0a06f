"""Likes: one per member, never on one's own project, counted on the project."""

import pytest
from django.urls import reverse

from showcase.models import Like

from .factories import make_project


@pytest.fixture
def project(member):
    return make_project(member)


def like(client, project):
    return client.post(reverse("showcase:like", args=[project.pk]))


def test_a_member_likes_once(other_member_client, project):
    like(other_member_client, project)
    like(other_member_client, project)
    project.refresh_from_db()
    assert project.like_count == 1
    page = other_member_client.get(project.get_absolute_url()).content.decode()
    assert "♥ Liked · Undo" in page
    assert "1 like<" in page


def test_unlike(other_member_client, project):
    like(other_member_client, project)
    other_member_client.post(reverse("showcase:unlike", args=[project.pk]))
    other_member_client.post(reverse("showcase:unlike", args=[project.pk]))
    project.refresh_from_db()
    assert project.like_count == 0
    assert not Like.objects.exists()


def test_not_ones_own_project(member_client, project):
    response = like(member_client, project)
    assert response.status_code == 302
    assert "You cannot like your own project." in member_client.get(response.url).content.decode()
    project.refresh_from_db()
    assert project.like_count == 0


def test_not_a_draft(other_member_client, member):
    draft = make_project(member, publish=False)
    assert like(other_member_client, draft).status_code == 404
    assert not Like.objects.exists()


def test_visitors_are_sent_to_sign_in_and_get_is_refused(visitor, other_member_client, project):
    response = like(visitor, project)
    assert response.url.startswith(reverse("login"))
    assert other_member_client.get(reverse("showcase:like", args=[project.pk])).status_code == 405
    assert not Like.objects.exists()


def test_top_sort_uses_likes(visitor, other_member_client, member, project):
    other = make_project(member, title="Second")
    like(other_member_client, other)
    response = visitor.get(reverse("showcase:index"), {"sort": "top"})
    assert [p.title for p in response.context["page"].object_list] == ["Second", project.title]

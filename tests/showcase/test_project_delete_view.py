"""Deleting a project: its author, or staff for moderation; the cover file goes too."""

import pytest
from django.urls import reverse

from showcase import services
from showcase.models import Comment, Like, Project

from .factories import make_project, stored_files


def delete_url(project) -> str:
    return reverse("showcase:delete", args=[project.pk])


@pytest.fixture
def project(member, other_member):
    project = make_project(member, cover=True)
    services.like_add(project=project, user=other_member)
    services.comment_create(project=project, author=other_member, body="Nice")
    return project


def test_the_author_confirms_then_everything_goes(
    member_client, project, settings, django_capture_on_commit_callbacks
):
    page = member_client.get(delete_url(project)).content.decode()
    assert "This cannot be undone" in page
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(delete_url(project))
    assert response.url == reverse("showcase:mine")
    assert not Project.objects.exists()
    assert not Like.objects.exists()
    assert not Comment.objects.exists()
    assert stored_files(settings) == []


def test_other_members_may_not_delete(other_member_client, visitor, project):
    assert other_member_client.post(delete_url(project)).status_code == 403
    assert visitor.post(delete_url(project)).status_code == 302
    assert Project.objects.exists()


def test_staff_may_delete_a_published_project(
    staff_client, project, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(delete_url(project))
    assert response.url == reverse("showcase:index")
    assert not Project.objects.exists()
    assert stored_files(settings) == []


def test_nobody_else_even_sees_a_draft(staff_client, member):
    draft = make_project(member, publish=False)
    assert staff_client.post(delete_url(draft)).status_code == 404
    assert Project.objects.exists()


def test_admin_deletion_removes_the_file_too(
    staff, project, settings, django_capture_on_commit_callbacks
):
    from django.contrib.admin.sites import site

    from showcase.admin import ProjectAdmin

    with django_capture_on_commit_callbacks(execute=True):
        ProjectAdmin(Project, site).delete_queryset(None, Project.objects.all())
    assert stored_files(settings) == []

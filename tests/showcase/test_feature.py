"""Featuring: staff put published projects on the home page."""

from django.urls import reverse

from showcase import services
from showcase.selectors import featured_projects

from .factories import make_project


def feature(client, project, value="1"):
    return client.post(reverse("showcase:feature", args=[project.pk]), {"featured": value})


def test_staff_feature_and_unfeature(staff_client, member):
    project = make_project(member, title="Star project", summary="Shines.")
    feature(staff_client, project)
    project.refresh_from_db()
    assert project.is_featured
    home = staff_client.get("/").content.decode()
    assert "Star project" in home
    assert "Shines." in home
    feature(staff_client, project, "0")
    project.refresh_from_db()
    assert not project.is_featured


def test_members_cannot_feature(member_client, member):
    project = make_project(member)
    assert feature(member_client, project).status_code == 403
    project.refresh_from_db()
    assert not project.is_featured


def test_drafts_cannot_be_featured(staff_client, member):
    draft = make_project(member, publish=False)
    assert feature(staff_client, draft).status_code == 404


def test_featured_projects_newest_featured_first_and_only_published(
    member, django_assert_num_queries
):
    first, second, third = (make_project(member, title=t) for t in ["One", "Two", "Three"])
    for project in (first, second, third):
        services.project_feature(project=project, featured=True)
    services.project_update(project=third, title="Three", publish=False)
    with django_assert_num_queries(2):  # projects with authors, their tags
        featured = featured_projects(limit=3)
        assert [p.title for p in featured] == ["Two", "One"]
    assert [p.title for p in featured_projects(limit=1)] == ["Two"]

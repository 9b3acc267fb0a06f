"""Editing one's own project: fields, cover replacement and removal, publish and unpublish."""

import pytest
from django.urls import reverse

from showcase.models import Project

from .factories import SVG, image_bytes, make_project, stored_files, upload


def edit_url(project) -> str:
    return reverse("showcase:edit", args=[project.pk])


def form_data(project, **overrides):
    data = {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "repository_url": project.repository_url,
        "demo_url": project.demo_url,
        "tags": ", ".join(t.name for t in project.tags.all()),
        "part_key": project.part_key,
        "action": "publish",
    }
    data.update(overrides)
    return data


@pytest.fixture
def project(member):
    return make_project(member, title="Line detector", tags=["numpy"], cover=True)


def test_the_form_is_filled_in(member_client, project):
    response = member_client.get(edit_url(project))
    form = response.context["form"]
    assert form["title"].value() == "Line detector"
    assert form["tags"].value() == "numpy"
    assert "Remove the current cover" in response.content.decode()


def test_only_the_author_may_edit(visitor, other_member_client, staff_client, project):
    assert visitor.get(edit_url(project)).status_code == 302
    assert other_member_client.get(edit_url(project)).status_code == 403
    assert other_member_client.post(edit_url(project), {"title": "Mine now"}).status_code == 403
    assert staff_client.get(edit_url(project)).status_code == 403
    assert Project.objects.get().title == "Line detector"


def test_others_get_404_for_a_draft(other_member_client, member):
    draft = make_project(member, publish=False)
    assert other_member_client.get(edit_url(draft)).status_code == 404


def test_the_author_changes_title_and_tags(member_client, project):
    response = member_client.post(edit_url(project), form_data(project, title="Edges", tags="a, b"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Edges"
    assert [t.name for t in project.tags.all()] == ["a", "b"]


def test_a_new_cover_replaces_the_old_file(
    member_client, project, settings, django_capture_on_commit_callbacks
):
    old = project.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            edit_url(project),
            form_data(project, cover=upload("new.jpg", image_bytes("JPEG"), "image/jpeg")),
        )
    project.refresh_from_db()
    assert project.cover.name != old
    assert project.cover.name.endswith(".jpg")
    assert [p.name for p in stored_files(settings)] == [project.cover.name.rsplit("/", 1)[1]]


def test_removing_the_cover_deletes_its_file(
    member_client, project, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(edit_url(project), form_data(project, remove_cover="on"))
    project.refresh_from_db()
    assert not project.cover
    assert stored_files(settings) == []


def test_a_bad_new_cover_keeps_the_old_one(member_client, project, settings):
    old = project.cover.name
    response = member_client.post(edit_url(project), form_data(project, cover=upload("x.svg", SVG)))
    assert "Use a PNG, JPEG or WebP image" in response.content.decode()
    project.refresh_from_db()
    assert project.cover.name == old
    assert len(stored_files(settings)) == 1


def test_an_empty_title_changes_nothing(member_client, project):
    response = member_client.post(edit_url(project), form_data(project, title="", tags="x"))
    assert response.context["form"].errors["title"]
    project.refresh_from_db()
    assert project.title == "Line detector"
    assert [t.name for t in project.tags.all()] == ["numpy"]


def test_move_back_to_drafts_and_publish_again(member_client, visitor, project):
    first_published = project.published_at
    member_client.post(edit_url(project), form_data(project, action="draft"))
    project.refresh_from_db()
    assert project.is_draft
    assert visitor.get(project.get_absolute_url()).status_code == 404
    member_client.post(edit_url(project), form_data(project, action="publish"))
    project.refresh_from_db()
    assert not project.is_draft
    assert project.published_at == first_published


def test_publishing_a_draft(member_client, member):
    draft = make_project(member, publish=False)
    response = member_client.post(edit_url(draft), form_data(draft))
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert not draft.is_draft
    assert draft.published_at


def test_a_failed_save_keeps_the_old_cover_and_removes_the_new_file(
    member_client, project, settings, monkeypatch
):
    from showcase import services

    old = project.cover.name

    def broken(project, names):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_set_tags", broken)
    member_client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        member_client.post(
            edit_url(project), form_data(project, title="New", cover=upload("n.png", image_bytes()))
        )
    project.refresh_from_db()
    assert project.title == "Line detector"
    assert project.cover.name == old
    assert [p.name for p in stored_files(settings)] == [old.rsplit("/", 1)[1]]

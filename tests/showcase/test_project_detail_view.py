"""The project page: description, links, tags, likes, comments, author card, "built from"."""

import pytest
from django.urls import reverse

from showcase import services

from .factories import make_project


@pytest.fixture
def project(member):
    return make_project(
        member,
        title="Line detector",
        summary="Tells lines apart.",
        description="Uses **three** neurons.\n\n```python\nprint('hi')\n```",
        repository_url="https://github.com/ada/lines",
        demo_url="https://ada.example.org/",
        tags=["numpy", "perceptron"],
        part_key="brains-decision-committee/04-the-perceptron",
        cover=True,
    )


def test_the_page_shows_everything_about_the_project(visitor, project, member):
    member.profile.display_name = "Ada Lovelace"
    member.profile.bio = "Counting engines."
    member.profile.save()
    page = visitor.get(project.get_absolute_url()).content.decode()
    assert "<h1>Line detector</h1>" in page
    assert "<strong>three</strong>" in page
    assert 'class="highlight"' in page  # code is highlighted as in the forum
    assert 'href="https://github.com/ada/lines" rel="nofollow ugc noopener"' in page
    assert 'href="https://ada.example.org/"' in page
    assert "#numpy" in page
    assert "#perceptron" in page
    assert "Built from" in page
    assert 'href="/learn/brains-decision-committee/04-the-perceptron/"' in page
    assert "Part 04 · The perceptron" in page
    assert "Ada Lovelace" in page
    assert "Counting engines." in page
    assert project.cover.url in page
    assert "0 likes" in page
    assert "Sign in</a> to comment" in page


def test_a_draft_is_only_for_its_author(visitor, member_client, other_member_client, member):
    draft = make_project(member, publish=False)
    assert visitor.get(draft.get_absolute_url()).status_code == 404
    assert other_member_client.get(draft.get_absolute_url()).status_code == 404
    page = member_client.get(draft.get_absolute_url()).content.decode()
    assert "This is a draft: only you can see it." in page
    assert "Comments open when the project is published." in page


def test_unknown_project_is_404(visitor, db):
    assert visitor.get(reverse("showcase:detail", args=[999])).status_code == 404


def test_owner_sees_edit_and_delete_others_do_not(member_client, other_member_client, project):
    mine = member_client.get(project.get_absolute_url()).content.decode()
    theirs = other_member_client.get(project.get_absolute_url()).content.decode()
    edit = reverse("showcase:edit", args=[project.pk])
    assert edit in mine
    assert edit not in theirs
    assert "♡ Like" in theirs
    assert "♡ Like" not in mine  # no liking one's own project


def test_staff_see_the_feature_button(staff_client, project):
    page = staff_client.get(project.get_absolute_url()).content.decode()
    assert "Feature on home page" in page


@pytest.mark.parametrize("comments", [0, 6])
def test_query_count_is_pinned(
    other_member_client, project, member, other_member, django_assert_num_queries, comments
):
    for n in range(comments // 2):
        top = services.comment_create(project=project, author=other_member, body=f"Nice {n}")
        services.comment_create(project=project, author=member, body="Thanks!", parent=top)
    # session, user, header profile, project with author and profile, tags,
    # comments (+ their replies when there are any), liked?
    with django_assert_num_queries(9 if comments else 8):
        response = other_member_client.get(project.get_absolute_url())
    assert response.status_code == 200

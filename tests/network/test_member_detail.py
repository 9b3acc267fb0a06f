"""Public profiles: bio, links, projects, forum activity, and lesson progress when shared."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenticworks.accounts import selectors
from learn.catalog import get_part
from tests.showcase.factories import make_project


def url(user) -> str:
    return reverse("member", args=[user.username])


@pytest.fixture
def progress(monkeypatch):
    """Lesson progress as the engine's track_progress_for_user will report it."""
    rows = [
        {"part": get_part("brains-decision-committee/01-the-first-neuron"), "done": 6, "total": 6},
        {"part": get_part("brains-decision-committee/02-a-single-neuron"), "done": 2, "total": 5},
        {
            "part": get_part("brains-decision-committee/03-activation-functions"),
            "done": 0,
            "total": 4,
        },
    ]
    monkeypatch.setattr(selectors, "track_progress_for_user", lambda user: rows)
    return rows


def test_profile_shows_bio_links_and_published_projects(visitor, member):
    profile = member.profile
    profile.display_name, profile.bio = "Ada Lovelace", "I like **engines**."
    profile.website, profile.github = "https://ada.example.org", "ada"
    profile.save()
    make_project(member, title="Public one")
    make_project(member, title="Secret draft", publish=False)
    page = visitor.get(url(member)).content.decode()
    assert "<h1>Ada Lovelace</h1>" in page
    assert "<strong>engines</strong>" in page
    assert 'href="https://ada.example.org"' in page
    assert 'href="https://github.com/ada"' in page
    assert "Public one" in page
    assert "Secret draft" not in page


def test_members_see_their_own_drafts(member_client, member):
    make_project(member, title="Secret draft", publish=False)
    page = member_client.get(url(member)).content.decode()
    assert "Secret draft" in page
    assert "Draft</span>" in page


def test_many_projects_link_to_the_gallery_by_author(visitor, member):
    for n in range(7):
        make_project(member, title=f"P{n}")
    response = visitor.get(url(member))
    assert len(response.context["projects"]) == 6
    assert "/showcase/?by=ada" in response.content.decode()


def test_forum_activity_comes_from_the_forum(visitor, member, monkeypatch):
    class Topic:
        title = "Why does my loss go up?"

        def get_absolute_url(self):
            return "/forum/t/1/"

    monkeypatch.setattr(
        selectors, "member_activity", lambda user: {"topics": 1, "posts": 4, "recent": [Topic()]}
    )
    page = visitor.get(url(member)).content.decode()
    assert "<strong>1</strong> topic started" in page
    assert "<strong>4</strong> posts" in page
    assert '<a href="/forum/t/1/">Why does my loss go up?</a>' in page


def test_private_progress_is_hidden_from_others(visitor, other_member_client, member, progress):
    for client in (visitor, other_member_client):
        assert "Lesson progress" not in client.get(url(member)).content.decode()


def test_members_see_their_own_private_progress_with_a_hint(member_client, member, progress):
    page = member_client.get(url(member)).content.decode()
    assert "Lesson progress" in page
    assert "Only you can see this." in page
    assert "8 of 15 sections done." in page


def test_public_progress_is_shown_to_everyone(visitor, member, progress):
    member.profile.progress_public = True
    member.profile.save()
    page = visitor.get(url(member)).content.decode()
    assert "8 of 15 sections done." in page
    assert "Part 01 · The first neuron" in page
    assert "Part 02 · A single neuron" in page
    assert "Part 03" not in page  # parts not started are left out
    assert "Only you can see this." not in page


def test_no_progress_yet_is_an_empty_state(member_client, member):
    # track_progress_for_user returns [] until the lesson engine lands
    page = member_client.get(url(member)).content.decode()
    assert "No sections done yet." in page


def test_the_member_chooses_in_the_profile_form(member_client, member):
    member_client.post(
        reverse("profile_edit"), {"display_name": "Ada", "progress_public": "on", "bio": ""}
    )
    member.profile.refresh_from_db()
    assert member.profile.progress_public


def test_unknown_and_inactive_members_are_404(visitor, make_member):
    make_member("gone", is_active=False)
    assert visitor.get(reverse("member", args=["gone"])).status_code == 404
    assert visitor.get(reverse("member", args=["nobody"])).status_code == 404


def _contract_queries(member) -> int:
    """Queries spent by the forum's and the engine's own functions, which they pin themselves."""
    with CaptureQueriesContext(connection) as captured:
        selectors.member_activity(member)
        selectors.track_progress_for_user(member)
    return len(captured)


@pytest.mark.parametrize("projects", [0, 6])
def test_query_count_is_pinned(visitor, member, django_assert_num_queries, projects):
    member.profile.progress_public = True
    member.profile.save()
    for n in range(projects):
        make_project(member, title=f"P{n}", tags=["numpy", f"t{n}"])
    # member with profile, projects with authors, their tags (when there are projects),
    # certificates
    ours = 4 if projects else 3
    with django_assert_num_queries(ours + _contract_queries(member)):
        visitor.get(url(member))

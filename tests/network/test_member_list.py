"""The Network directory: members with name, bio and project count; searchable, paginated."""

import pytest
from django.urls import reverse

from tests.showcase.factories import make_project

URL = reverse("members")


def usernames(response) -> list[str]:
    return [m.username for m in response.context["page"].object_list]


def test_cards_show_name_bio_place_and_projects(visitor, member):
    profile = member.profile
    profile.display_name, profile.bio, profile.location = "Ada Lovelace", "Engines.", "London"
    profile.save()
    make_project(member)
    make_project(member, publish=False)  # drafts do not count
    page = visitor.get(URL).content.decode()
    assert "Ada Lovelace" in page
    assert "@ada · London" in page
    assert "Engines." in page
    assert "1 project ·" in page


def test_newest_members_first_and_inactive_ones_hidden(visitor, member, other_member, make_member):
    make_member("gone", is_active=False)
    assert usernames(visitor.get(URL)) == ["grace", "ada"]


@pytest.mark.parametrize(("query", "found"), [("ADA", ["ada"]), ("hopper", ["grace"]), ("zz", [])])
def test_search_by_username_display_name_or_place(visitor, member, other_member, query, found):
    other_member.profile.display_name = "Grace Hopper"
    other_member.profile.save()
    response = visitor.get(URL, {"q": query})
    assert usernames(response) == found
    if not found:
        assert "No member matches “zz”" in response.content.decode()


def test_pages_of_24_keep_the_search(visitor, make_member):
    for n in range(26):
        make_member(f"learner{n}")
    first = visitor.get(URL, {"q": "learner"})
    assert len(usernames(first)) == 24
    assert "?q=learner&amp;page=2" in first.content.decode()
    assert len(usernames(visitor.get(URL, {"q": "learner", "page": 2}))) == 2


@pytest.mark.parametrize("members", [1, 20])
def test_query_count_is_pinned(visitor, make_member, django_assert_num_queries, members):
    for n in range(members):
        make_project(make_member(f"m{n}"))
    with django_assert_num_queries(2):  # the count, the page with profiles and project counts
        response = visitor.get(URL)
    assert len(usernames(response)) == members

"""The gallery: published projects as cards, sorted, filtered by tag, paginated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from showcase.models import Project

from .factories import make_project

URL = reverse("showcase:index")


def titles(response) -> list[str]:
    return [project.title for project in response.context["page"].object_list]


def test_cards_show_cover_title_summary_author_tags_and_likes(visitor, member):
    project = make_project(
        member, title="Edge finder", summary="Finds edges.", tags=["numpy"], cover=True
    )
    Project.objects.filter(pk=project.pk).update(like_count=3)
    page = visitor.get(URL).content.decode()
    assert "Edge finder" in page
    assert "Finds edges." in page
    assert project.cover.url in page
    assert 'href="/community/ada/"' in page
    assert "#numpy" in page
    assert '3<span class="visually-hidden"> likes' in page


def test_drafts_are_not_in_the_gallery(visitor, member):
    make_project(member, title="Secret draft", publish=False)
    response = visitor.get(URL)
    assert titles(response) == []
    assert "Nothing here yet" in response.content.decode()


def test_new_is_the_default_and_top_sorts_by_likes(visitor, member):
    old = make_project(member, title="Old but loved")
    make_project(member, title="Fresh")
    Project.objects.filter(pk=old.pk).update(
        like_count=5, published_at=timezone.now() - timedelta(days=3)
    )
    assert titles(visitor.get(URL)) == ["Fresh", "Old but loved"]
    assert titles(visitor.get(URL, {"sort": "top"})) == ["Old but loved", "Fresh"]
    assert titles(visitor.get(URL, {"sort": "nonsense"})) == ["Fresh", "Old but loved"]


def test_filter_by_tag(visitor, member):
    make_project(member, title="With numpy", tags=["numpy"])
    make_project(member, title="With plots", tags=["plots"])
    response = visitor.get(URL, {"tag": "numpy"})
    assert titles(response) == ["With numpy"]
    assert "Remove the filter #numpy" in response.content.decode()
    empty = visitor.get(URL, {"tag": "nothing-like-this"})
    assert titles(empty) == []
    assert "No published project matches #nothing-like-this" in empty.content.decode()


def test_filter_by_author(visitor, member, other_member):
    make_project(member, title="By Ada")
    make_project(other_member, title="By Grace")
    response = visitor.get(URL, {"by": "grace"})
    assert titles(response) == ["By Grace"]
    assert "by @grace" in response.content.decode()


def test_pages_of_twelve_keep_sort_and_tag(visitor, member):
    for n in range(14):
        make_project(member, title=f"Project {n}", tags=["numpy"])
    first = visitor.get(URL, {"sort": "top", "tag": "numpy"})
    assert len(titles(first)) == 12
    assert "?sort=top&amp;tag=numpy&amp;page=2" in first.content.decode()
    second = visitor.get(URL, {"sort": "top", "tag": "numpy", "page": 2})
    assert len(titles(second)) == 2
    assert visitor.get(URL, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_query_count_does_not_grow_with_projects(
    visitor, member, other_member, django_assert_num_queries, count
):
    for n in range(count):
        make_project(member if n % 2 else other_member, title=f"P{n}", tags=["numpy", f"t{n}"])
    # count, projects with authors and profiles, their tags, the popular tags
    with django_assert_num_queries(4):
        response = visitor.get(URL)
    assert len(titles(response)) == count


def test_query_count_for_a_member(member_client, member, django_assert_num_queries):
    for n in range(5):
        make_project(member, title=f"P{n}", tags=["numpy"], cover=True)
    # session, user and the header's profile, then as for visitors
    with django_assert_num_queries(8):
        member_client.get(URL)

"""'Your projects': a member's own projects, drafts first."""

from django.urls import reverse

from .factories import make_project

URL = reverse("showcase:mine")


def test_drafts_first_and_only_ones_own(member_client, member, other_member):
    make_project(member, title="Published one")
    make_project(member, title="A draft", publish=False)
    make_project(other_member, title="Grace's")
    response = member_client.get(URL)
    assert [p.title for p in response.context["page"].object_list] == ["A draft", "Published one"]
    assert "Draft</span>" in response.content.decode()


def test_an_empty_state_points_to_both_ways_of_sharing(member_client):
    page = member_client.get(URL).content.decode()
    assert "You have not shared a project yet." in page
    assert "Share to showcase" in page


def test_visitors_are_sent_to_sign_in(visitor):
    assert visitor.get(URL).url.startswith(reverse("login"))

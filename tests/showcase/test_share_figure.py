"""Sharing a plot from a lesson cell: the site's own copy of the image becomes a draft project."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from learn.catalog import cell_label
from learn.figures import figure_remember
from showcase.models import Project

from .factories import HTML_PAYLOAD, SVG, image_bytes, stored_files

URL = reverse("showcase:share_figure")
TRACK, PART, CELL = "brains-decision-committee", "05-training", "plot-losses"
CODE = "import matplotlib.pyplot as plt\nplt.plot([3, 2, 1])\nplt.title('Loss')"


def remember(user, png=None, *, code=CODE, part=PART) -> str:
    """A figure as the run endpoint would remember it for this member."""
    request = RequestFactory().post("/")
    request.user = user
    return figure_remember(
        request,
        track=TRACK,
        part=part,
        cell_id=CELL,
        code=code,
        png=png if png is not None else image_bytes(size=(64, 48)),
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_member_shares_a_plot_into_a_draft(member_client, member, settings):
    response = member_client.post(URL, {"figure_id": remember(member)})
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("showcase:edit", args=[project.pk])
    assert project.author == member
    assert project.is_draft
    assert project.part_key == f"{TRACK}/{PART}"
    assert project.title == "Plot from Part 05 · Training"
    assert (project.cover_width, project.cover_height) == (64, 48)
    assert (settings.MEDIA_ROOT / project.cover.name).exists()
    assert f"/learn/{TRACK}/{PART}/#cell-{CELL}" in project.description
    assert f"```python\n{CODE}\n```" in project.description
    # The cell is named as the lesson page numbers it, never by its internal id.
    label = cell_label(f"{TRACK}/{PART}", CELL)
    assert re.fullmatch(r"cell \d{3}", label)
    assert f"[Part 05 · Training, {label}]" in project.description
    assert project.summary == f"A plot from {label}."

    edit_page = member_client.get(response.url).content.decode()
    assert "Your plot is in a new draft." in edit_page
    assert project.cover.url in edit_page


def test_the_project_page_shows_the_plot_the_code_and_where_it_came_from(member_client, member):
    member_client.post(URL, {"figure_id": remember(member)})
    project = Project.objects.get()
    page = member_client.get(project.get_absolute_url()).content.decode()
    assert f'<img src="{project.cover.url}"' in page
    assert 'plt</span><span class="o">.</span><span class="n">plot' in page
    assert f'href="/learn/{TRACK}/{PART}/#cell-{CELL}"' in page
    assert "Part 05 · Training" in page


def test_code_with_backtick_fences_cannot_break_out_of_the_code_block(member_client, member):
    code = 'print("""\n```\n# Heading outside?\n```""")'
    member_client.post(URL, {"figure_id": remember(member, code=code)})
    project = Project.objects.get()
    assert f"````python\n{code}\n````" in project.description
    page = member_client.get(project.get_absolute_url()).content.decode()
    assert "<h1>Heading outside?</h1>" not in page


def test_a_figure_of_someone_else_is_refused(member_client, other_member):
    response = member_client.post(URL, {"figure_id": remember(other_member)})
    assert "That plot is no longer available to share" in " ".join(messages_of(response))
    assert not Project.objects.exists()


@pytest.mark.parametrize("figure_id", ["expired-or-made-up", "", "x" * 500])
def test_an_unknown_or_expired_figure_is_refused_with_a_message(member_client, figure_id):
    response = member_client.post(URL, {"figure_id": figure_id, "next": "/learn/"})
    assert response.url == "/learn/"
    assert "Run the cell again" in " ".join(messages_of(response))
    assert not Project.objects.exists()


def test_next_must_stay_on_this_site(member_client):
    response = member_client.post(URL, {"figure_id": "nope", "next": "https://evil.example/"})
    assert response.url == reverse("showcase:index")


@pytest.mark.parametrize(
    ("png", "message"),
    [
        (image_bytes() + HTML_PAYLOAD, "extra data after the end of the image"),
        (SVG, "Use a PNG, JPEG or WebP image"),
        (b"not an image", "Use a PNG, JPEG or WebP image"),
    ],
    ids=["png+html", "svg", "text"],
)
def test_the_image_is_validated_again_on_the_server(member_client, member, settings, png, message):
    response = member_client.post(URL, {"figure_id": remember(member, png)})
    assert response.url == f"/learn/{TRACK}/{PART}/"
    assert message in " ".join(messages_of(response))
    assert not Project.objects.exists()
    assert stored_files(settings) == []


def test_visitors_are_sent_to_sign_in_and_back_to_the_lesson(visitor, db):
    response = visitor.post(URL, {"figure_id": "anything", "next": f"/learn/{TRACK}/{PART}/"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/learn/{TRACK}/{PART}/"
    assert not Project.objects.exists()


def test_only_post(member_client):
    assert member_client.get(URL).status_code == 405


def test_sharing_counts_against_the_project_limit(member_client, member, settings):
    settings.SHOWCASE_PROJECTS_PER_HOUR_NEW = 1
    member_client.post(URL, {"figure_id": remember(member)})
    response = member_client.post(URL, {"figure_id": remember(member)})
    assert "as many projects as we allow" in " ".join(messages_of(response))
    assert Project.objects.count() == 1

"""Creating a project: the form, cover uploads, and every kind of bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from showcase.models import Project, Tag

from .factories import HTML_PAYLOAD, SVG, image_bytes, png_bomb, stored_files, upload

URL = reverse("showcase:create")


def form_data(**overrides):
    data = {
        "title": "Line detector",
        "summary": "Tells vertical from horizontal lines.",
        "description": "It uses **three** neurons.",
        "repository_url": "https://github.com/ada/lines",
        "demo_url": "",
        "tags": "NumPy, plots",
        "part_key": "brains-decision-committee/04-the-perceptron",
        "action": "publish",
    }
    data.update(overrides)
    return data


def test_visitors_are_sent_to_sign_in(visitor):
    response = visitor.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_form_offers_the_lesson_parts(member_client):
    response = member_client.get(URL)
    assert response.status_code == 200
    assert "Part 04 · The perceptron" in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_a_member_publishes_a_project_with_a_cover(member_client, member, settings):
    data = form_data(cover=upload("cover.png", image_bytes()))
    response = member_client.post(URL, data)
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.author == member
    assert not project.is_draft
    assert project.published_at
    assert [t.name for t in project.tags.all()] == ["numpy", "plots"]
    assert project.part.number == 4
    assert project.cover.name.startswith("showcase/covers/")
    assert (project.cover_width, project.cover_height) == (40, 30)
    assert (settings.MEDIA_ROOT / project.cover.name).exists()

    page = member_client.get(response.url).content.decode()
    assert "Your project is in the showcase." in page
    assert project.cover.url in page


def test_save_as_draft_keeps_it_out_of_the_gallery(member_client, visitor):
    member_client.post(URL, form_data(action="draft"))
    project = Project.objects.get()
    assert project.is_draft
    assert project.published_at is None
    assert "Line detector" not in visitor.get(reverse("showcase:index")).content.decode()


BAD_COVERS = [
    ("cover.png", image_bytes() + HTML_PAYLOAD, "extra data after the end of the image"),
    ("cover.svg", SVG, "Use a PNG, JPEG or WebP image"),
    ("cover.png", b"This is a text file, renamed.", "Use a PNG, JPEG or WebP image"),
    ("bomb.png", png_bomb(), "not an image we can read"),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), BAD_COVERS, ids=["png+html", "svg", "text-as-png", "bomb"]
)
def test_bad_covers_are_refused_next_to_the_field_and_nothing_is_saved(
    member_client, settings, name, data, message
):
    response = member_client.post(URL, form_data(cover=upload(name, data)))
    assert response.status_code == 200
    assert message in response.context["form"].errors["cover"][0]
    assert message in response.content.decode()
    assert response.context["form"]["title"].value() == "Line detector"  # input kept
    assert not Project.objects.exists()
    assert not Tag.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_image_is_refused_with_its_size_and_the_limit(member_client, settings):
    settings.SHOWCASE_COVER_MAX_BYTES = 100 * 1024
    big = image_bytes(size=(400, 400)) + b"\x00" * 150 * 1024
    response = member_client.post(URL, form_data(cover=upload("big.png", big)))
    assert response.context["form"].errors["cover"] == ["The image is 151 KB; the limit is 100 KB."]
    assert "up to 100 KB" in response.content.decode()
    assert not Project.objects.exists()
    assert stored_files(settings) == []


def test_an_image_with_too_many_pixels_is_refused(member_client, settings):
    settings.SHOWCASE_COVER_MAX_PIXELS = 50 * 50
    response = member_client.post(
        URL, form_data(cover=upload("wide.png", image_bytes(size=(60, 60))))
    )
    assert "pixels" in response.context["form"].errors["cover"][0]
    assert not Project.objects.exists()


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(member_client, settings, title):
    response = member_client.post(
        URL, form_data(title=title, cover=upload("cover.png", image_bytes()))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Project.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<b>x</b>",
        "[x](javascript:alert(1))",
    ],
)
@pytest.mark.parametrize("field", ["repository_url", "demo_url"])
def test_links_other_than_http_are_refused(member_client, field, link):
    response = member_client.post(URL, form_data(**{field: link}))
    assert response.context["form"].errors[field] == [
        "Use a web address starting with http:// or https://."
    ]
    assert not Project.objects.exists()


def test_a_link_without_scheme_becomes_https(member_client):
    member_client.post(URL, form_data(demo_url="ada.example.org/demo"))
    assert Project.objects.get().demo_url == "https://ada.example.org/demo"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("a, b, c, d, e, f", "at most 5 tags"),
        ("x" * 25, "at most 24 characters"),
        ("numpy, !!!", "has no letters or digits"),
    ],
)
def test_bad_tags_are_explained(member_client, tags, message):
    response = member_client.post(URL, form_data(tags=tags))
    assert message in response.context["form"].errors["tags"][0]
    assert not Project.objects.exists()


def test_tags_are_normalised_and_shared(member_client, other_member_client):
    member_client.post(URL, form_data(tags="Neural Nets, #numpy, numpy"))
    other_member_client.post(URL, form_data(tags="NUMPY"))
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["neural-nets", "numpy"]


def test_an_unknown_lesson_part_is_refused(member_client):
    response = member_client.post(URL, form_data(part_key="brains-decision-committee/99-nope"))
    assert response.context["form"].errors["part_key"]
    assert not Project.objects.exists()


def test_too_many_projects_in_an_hour_are_refused(member_client, member, settings):
    member.date_joined = timezone.now() - timedelta(days=30)
    member.save()
    settings.SHOWCASE_PROJECTS_PER_HOUR = 2
    for _ in range(2):
        assert member_client.post(URL, form_data()).status_code == 302
    response = member_client.post(URL, form_data(cover=upload("c.png", image_bytes())))
    assert response.status_code == 200
    assert "as many projects as we allow in an hour" in response.content.decode()
    assert Project.objects.count() == 2


def test_new_accounts_get_a_lower_limit(member_client, settings):
    settings.SHOWCASE_PROJECTS_PER_HOUR = 10
    settings.SHOWCASE_PROJECTS_PER_HOUR_NEW = 1
    assert member_client.post(URL, form_data()).status_code == 302
    response = member_client.post(URL, form_data())
    assert "while your account is new" in response.content.decode()
    assert Project.objects.count() == 1


def test_a_failed_save_removes_the_stored_cover(member_client, settings, monkeypatch):
    """If the database write fails after the file was stored, the file goes too."""
    from showcase import services

    def broken(project, names):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_set_tags", broken)
    member_client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        member_client.post(URL, form_data(cover=upload("cover.png", image_bytes())))
    assert not Project.objects.exists()
    assert stored_files(settings) == []

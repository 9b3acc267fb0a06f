"""Pinned output: plots the learner keeps from a cell, per learner, merged on sign-in."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.test import RequestFactory
from PIL import Image

from learn.figures import figure_remember
from learn.models import Pin
from learn.pins import MAX_PINS_PER_PART
from tests.conftest import PASSWORD

from .conftest import TRACK, lesson_url

pytestmark = pytest.mark.django_db


def png(colour=(40, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def remember(client=None, user=None, *, part="02-neuron", data=None) -> str:
    """A figure the kernel made for this learner (as the run view would remember it)."""
    request = RequestFactory().get("/")
    request.session = client.session if client is not None else None
    request.user = user or AnonymousUser()
    figure_id = figure_remember(
        request,
        track=TRACK,
        part=part,
        cell_id="weights-plot",
        code="plt.show()",
        png=data or png(),
    )
    if request.session is not None:
        request.session.save()
    return figure_id


def pin(client, figure_id, **extra):
    return client.post(lesson_url("02-neuron", "pins/"), {"figure_id": figure_id}, **extra)


def test_member_pins_a_plot_and_sees_it_in_the_rail(member_client, member):
    response = pin(member_client, remember(user=member))
    assert response.status_code == 302
    assert response["Location"] == lesson_url("02-neuron") + "#pinned-output"
    stored = Pin.objects.get(user=member)
    assert (stored.cell_id, stored.width, stored.height) == ("weights-plot", 40, 30)
    assert default_storage.exists(stored.image.name)
    html = member_client.get(lesson_url("02-neuron")).content.decode()
    assert f'src="{stored.image.url}" alt="Plot pinned from cell 003"' in html
    assert f'action="{lesson_url("02-neuron", f"pins/{stored.pk}/delete")}"' in html


def test_pin_answers_json_with_the_new_list(member_client, member):
    response = pin(member_client, remember(user=member), HTTP_ACCEPT="application/json")
    data = response.json()
    assert data["message"] == "Pinned. It stays in the right-hand column."
    assert "Plot pinned from cell 003" in data["html"]


def test_unknown_or_foreign_figures_are_refused(member_client, member, other_member):
    for figure_id in ["nope", remember(user=other_member), remember(user=member, part="01-grids")]:
        response = pin(member_client, figure_id, HTTP_ACCEPT="application/json")
        assert response.status_code == 400
        assert "expired" in response.json()["message"]
    assert not Pin.objects.exists()


def test_bytes_that_are_not_an_image_are_refused(member_client, member):
    response = pin(member_client, remember(user=member, data=b"GIF89a not a plot"))
    assert response.status_code == 302
    page = member_client.get(response["Location"]).content.decode()
    assert "not an image we can read" in page
    assert not Pin.objects.exists()


def test_pins_per_part_are_limited(member_client, member):
    for _ in range(MAX_PINS_PER_PART):
        pin(member_client, remember(user=member))
    response = pin(member_client, remember(user=member), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "Unpin one first" in response.json()["message"]


def test_unpin_removes_the_pin_and_its_file(
    member_client, member, django_capture_on_commit_callbacks
):
    pin(member_client, remember(user=member))
    stored = Pin.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(lesson_url("02-neuron", f"pins/{stored.pk}/delete"))
    assert response.status_code == 302
    assert not Pin.objects.exists()
    assert not default_storage.exists(stored.image.name)


def test_nobody_else_can_unpin(member_client, member, other_member_client, visitor):
    pin(member_client, remember(user=member))
    stored = Pin.objects.get()
    url = lesson_url("02-neuron", f"pins/{stored.pk}/delete")
    assert other_member_client.post(url).status_code == 404
    assert visitor.post(url).status_code == 404
    assert Pin.objects.filter(pk=stored.pk).exists()


def test_visitor_pins_move_to_the_account_on_sign_in(client, member):
    response = pin(client, remember(client))
    assert response.status_code == 302
    stored = Pin.objects.get()
    assert stored.user is None
    assert stored.visitor
    assert "Plot pinned from cell 003" in client.get(lesson_url("02-neuron")).content.decode()

    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    stored.refresh_from_db()
    assert (stored.user, stored.visitor) == (member, "")
    assert "Plot pinned from cell 003" in client.get(lesson_url("02-neuron")).content.decode()

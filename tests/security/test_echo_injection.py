"""Script-injection payloads in what the wave-2 features echo: tutor questions and the forum
answers the tutor quotes, certificate names (from profiles), and lab scratch code (put into the
lab page with json_script). None may come back as executable markup."""

import json
import re

import pytest
from django.urls import reverse

from certificates.models import Certificate
from forum.models import Category, Post, Topic
from tests.security.markup import assert_no_executable_markup
from tests.security.xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.django_db

TRACK = "brains-decision-committee"
PART = "02-a-single-neuron"


@pytest.fixture
def tutor_on(settings, tmp_path):
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    settings.TUTOR_LLM_MODEL = ""
    settings.TUTOR_QUESTIONS_PER_HOUR = 10_000
    settings.TUTOR_QUESTIONS_PER_HOUR_ADDRESS = 10_000
    settings.SANDBOX_SOCKET = tmp_path / "no-runner.sock"
    settings.SANDBOX_RUNNERS = []


def test_tutor_answers_never_echo_executable_markup(tutor_on, member_client, member, other_member):
    topic = Topic.objects.create(
        category=Category.objects.get(slug="lesson-help"),
        title="zebracorn <script>alert(1)</script>",
        author=member,
        part_key=f"{TRACK}/{PART}",
    )
    Post.objects.create(topic=topic, author=member, position=1, body="q", body_html="q")
    topic.answer = Post.objects.create(
        topic=topic,
        author=other_member,
        position=2,
        body="The zebracorn bias: " + " ".join(XSS_PAYLOADS),
        body_html="",
    )
    topic.save(update_fields=["answer"])
    url = f"/learn/{TRACK}/{PART}/tutor"
    for payload in XSS_PAYLOADS:
        response = member_client.post(
            url,
            {"question": f"why does my zebracorn bias grow? {payload}"},
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200, payload
        assert_no_executable_markup(response.json()["answer"])
    assert "zebracorn" in response.json()["answer"]  # the forum answer was quoted
    lesson = member_client.get(reverse("learn:lesson", args=[TRACK, PART]))
    assert_no_executable_markup(lesson.content.decode(), page=True)  # the tutor's history


@pytest.mark.parametrize("payload", [*XSS_PAYLOADS, "Ada\r\nLovelace\u2028\x0b"])
def test_a_certificate_name_is_text_on_its_page_and_image(client, member, payload):
    certificate = Certificate.objects.create(
        user=member,
        track=TRACK,
        track_title="Brains",
        name=payload[:60],
        parts_done=10,
        sections_done=40,
    )
    page = client.get(certificate.get_absolute_url())
    assert page.status_code == 200
    assert_no_executable_markup(page.content.decode(), page=True)
    image = client.get(reverse("certificates:image", args=[certificate.code]))
    assert image.status_code == 200
    assert image.content.startswith(b"\x89PNG")


def test_scratch_code_is_data_in_the_lab_page(settings, member_client):
    from tests.learn.conftest import CONTENT

    settings.LESSONS_DIR = CONTENT
    url = "/learn/decision-demo/03-voting/"
    cells = [{"n": i + 1, "code": payload} for i, payload in enumerate(XSS_PAYLOADS[:30])]
    saved = member_client.put(url + "scratch", json.dumps({"cells": cells}), "application/json")
    assert saved.status_code == 200
    lab = member_client.get(url + "lab/").content.decode()
    data = re.search(r'<script id="scratch-cells-data" type="application/json">(.*?)</script>', lab)
    assert "<" not in data[1]  # json_script escapes it: no payload can close the element
    assert json.loads(data[1]) == cells
    assert_no_executable_markup(lab.replace(data[0], ""), page=True)

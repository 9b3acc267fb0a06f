"""Red-team inputs to the wave-2 endpoints that must answer a clear 4xx JSON `{"message"}`,
never a 500, and lose nothing saved: deeply nested JSON (the decoder's RecursionError) and lone
surrogates ("\\ud800" is valid JSON but not text: the database and UTF-8 refuse it)."""

import json

import pytest

from learn.models import ScratchCell
from tutor.models import Exchange

pytestmark = pytest.mark.django_db

LEARN_TRACK = "decision-demo"
LESSON_TRACK = "brains-decision-committee"
DEEP = "[" * 5000 + "]" * 5000  # 10 KB: under every body limit, far over the decoder's depth


@pytest.fixture
def learn_lessons(settings):
    from tests.learn.conftest import CONTENT

    settings.LESSONS_DIR = CONTENT


@pytest.fixture
def tutor_on(settings, tmp_path):
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    settings.TUTOR_LLM_MODEL = ""
    settings.SANDBOX_SOCKET = tmp_path / "no-runner.sock"
    settings.SANDBOX_RUNNERS = []


def _post(client, url: str, body: str, accept: str = "application/json"):
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT=accept)


@pytest.mark.parametrize("path", ["02-neuron/run", "02-neuron/exercises/middle-score/check"])
def test_deeply_nested_json_to_run_and_check_is_a_400(learn_lessons, client, path):
    response = _post(client, f"/learn/{LEARN_TRACK}/{path}", DEEP)
    assert response.status_code == 400
    assert "Send JSON" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("02-neuron/run", "too long to run"),
        ("02-neuron/exercises/middle-score/check", "too long to run"),
        ("02-neuron/tutor", "far too long"),
    ],
)
def test_a_body_past_djangos_upload_limit_is_a_413_json_answer(
    learn_lessons, tutor_on, settings, client, path, words
):
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE reading request.body raises; Django answered its HTML
    400 page, which the page's fetch cannot read."""
    from tests.learn.conftest import CONTENT

    settings.LESSONS_DIR = CONTENT
    body = '{"code": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = _post(client, f"/learn/{LEARN_TRACK}/{path}", body)
    assert response.status_code == 413
    assert words in response.json()["message"]


def test_deeply_nested_json_to_the_tutor_is_a_400(tutor_on, client):
    response = _post(client, f"/learn/{LESSON_TRACK}/02-a-single-neuron/tutor", DEEP)
    assert response.status_code == 400
    assert "Send JSON" in response.json()["message"]


@pytest.mark.parametrize("accept", ["application/json", "application/x-ndjson"])
def test_a_question_with_a_lone_surrogate_is_a_400_for_visitors_and_members(
    tutor_on, client, member_client, accept
):
    url = f"/learn/{LESSON_TRACK}/02-a-single-neuron/tutor"
    for who in (client, member_client):
        response = _post(who, url, '{"question": "why does \\ud800 fail?"}', accept)
        assert response.status_code == 400
        assert "not valid text" in response.json()["message"]
    assert not Exchange.objects.exists()


def test_scratch_cells_reject_deep_json_and_lone_surrogates_and_keep_what_was_saved(
    learn_lessons, member_client, member
):
    url = f"/learn/{LEARN_TRACK}/03-voting/scratch"
    kept = {"cells": [{"n": 4, "code": "kept = True"}]}
    saved = member_client.put(url, json.dumps(kept), content_type="application/json")
    assert saved.status_code == 200
    for body, words in (
        (DEEP, "Send JSON"),
        ('{"cells": [{"n": 1, "code": "x = \\ud800"}]}', "not valid text"),
    ):
        response = member_client.put(url, body, content_type="application/json")
        assert response.status_code == 400
        assert words in response.json()["message"]
    assert member_client.get(url).json() == kept
    assert ScratchCell.objects.filter(user=member).count() == 1


def test_scratch_cells_of_an_unknown_part_answer_json(learn_lessons, member_client):
    url = f"/learn/{LEARN_TRACK}/99-no-such-part/scratch"
    for response in (
        member_client.get(url),
        member_client.put(url, '{"cells": []}', content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json() == {"message": "There is no such lesson part."}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "02-neuron/exercises/middle-score/check"),
        ("post", "02-neuron/exercises/middle-score/hint"),
        ("post", "02-neuron/exercises/middle-score/solution"),
        ("post", "02-neuron/kernel/restart"),
        ("put", "03-voting/scratch"),
    ],
)
def test_wave_two_writes_need_the_csrf_token(learn_lessons, member, method, path):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    url = f"/learn/{LEARN_TRACK}/{path}"
    response = getattr(browser, method)(url, "{}", content_type="application/json")
    assert response.status_code == 403
    assert not ScratchCell.objects.exists()


def test_the_tutor_and_certificate_buttons_need_the_csrf_token(tutor_on, member):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    for url in (
        f"/learn/{LESSON_TRACK}/02-a-single-neuron/tutor",
        f"/certificates/claim/{LESSON_TRACK}/",
        "/certificates/abc/visibility",
    ):
        response = browser.post(url, '{"question": "why?"}', content_type="application/json")
        assert response.status_code == 403, url
    assert not Exchange.objects.exists()


@pytest.mark.parametrize("action", ["hint", "solution"])
def test_cookieless_hint_and_solution_requests_cannot_mint_sessions_without_limit(
    learn_lessons, settings, action
):
    """Each request without a cookie made a new session row and so a fresh per-learner limit;
    now they count against the address's budget of new sessions, like runs."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    settings.SANDBOX_NEW_SESSIONS_PER_ADDRESS = 3
    url = f"/learn/{LEARN_TRACK}/02-neuron/exercises/middle-score/{action}"
    learner = Client()
    assert learner.post(url, "{}", content_type="application/json").status_code in (200, 409)
    statuses = [Client().post(url, "{}", content_type="application/json") for _ in range(4)]
    assert [r.status_code for r in statuses][2:] == [429, 429]
    assert "Too many new visitors" in statuses[-1].json()["message"]
    assert Session.objects.count() == 3
    # A visitor who already has a session is not held back by the flood.
    assert learner.post(url, "{}", content_type="application/json").status_code in (200, 409)

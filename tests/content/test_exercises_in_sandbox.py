"""Every exercise of every part through the HTTP check endpoint and the real runner, under the
default limits: after the cells above it ran, the starter fails with a message, each `wrong:`
answer gets feedback that is not the generic message and contains its `says`, and the solution
passes. The fixture track's exercise is always included, so this runs even before the lessons
have exercises."""

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from learn import checklib, content
from tests.content.test_exercise_answers import _cells_above
from tests.content.test_parts_in_sandbox import default_runner, site  # noqa: F401

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

ROOTS = (
    Path(django_settings.BASE_DIR) / "tests" / "learn" / "content",
    Path(django_settings.BASE_DIR) / "lessons_content",
)


def _exercises() -> list:
    found = []
    for root in ROOTS:
        for track in content.library(root).tracks:
            for part in track.parts:
                found.extend(
                    pytest.param(root, track.slug, part.slug, e.id, id=f"{part.slug}:{e.id}")
                    for e in part.exercises
                )
    return found


@pytest.fixture
def checking_site(site):  # noqa: F811 - the imported fixture, by name
    """The lesson runner under the default limits (test_parts_in_sandbox's), many checks a
    minute allowed."""
    site.SANDBOX_RUNS_PER_MINUTE = 10_000
    return site


def _post(client: Client, url: str, body: dict) -> dict:
    response = client.post(
        url, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize(("root", "track", "slug", "exercise_id"), _exercises())
def test_the_exercise_through_the_check_endpoint(checking_site, root, track, slug, exercise_id):
    checking_site.LESSONS_DIR = root
    part = content.library(root).part(track, slug)
    exercise = part.exercise_map[exercise_id]
    client = Client()
    check_url = reverse("learn:exercise_check", args=[track, slug, exercise_id])

    def answer(code: str) -> dict:
        """Check `code` in a fresh kernel that ran the cells above, as each learner's would
        (a wrong answer may change the lesson's objects in place)."""
        client.post(reverse("learn:kernel_restart", args=[track, slug]))
        for cell in _cells_above(part, exercise):
            ran = _post(
                client,
                reverse("learn:run", args=[track, slug]),
                {"cell": cell.id, "code": cell.source},
            )
            assert ran["status"] == "ok", (cell.id, ran.get("message"), ran["outputs"])
        return _post(client, check_url, {"code": code})

    starter = answer(exercise.starter)
    assert starter["status"] == "fail", starter
    assert starter["message"]
    for wrong in exercise.wrong:
        feedback = answer(wrong.code)
        assert feedback["status"] == "fail", (wrong.code, feedback)
        assert feedback["message"] != checklib.GENERIC
        assert wrong.says.lower() in feedback["message"].lower(), (wrong.says, feedback["message"])
    solution = answer(exercise.solution)
    assert solution["status"] == "pass", solution
    assert solution["solved"] is True

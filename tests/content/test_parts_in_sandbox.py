"""Every part runs top to bottom through the real sandbox, under the default limits of SPEC
section 4, the way a learner pressing Run on each cell in order would run it."""

import json
import uuid

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from learn.content import library
from tests.sandbox.fixtures import launch

TRACK = "brains-decision-committee"
# The defaults of SPEC section 4, which a learner's kernel gets.
DEFAULT_LIMITS = {
    "cpu_seconds": 10,
    "wall_seconds": 20,
    "memory_mb": 512,
    "output_bytes": 1024 * 1024,
    "max_figures": 10,
}

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def _parts():
    return library(django_settings.LESSONS_DIR).track(TRACK).parts


@pytest.fixture(scope="module")
def default_runner(tmp_path_factory):
    runner = launch(tmp_path_factory.mktemp("lesson-runner"), **DEFAULT_LIMITS)
    yield runner
    runner.stop()


@pytest.fixture
def site(settings, default_runner):
    settings.SANDBOX_SOCKET = default_runner.socket_path
    settings.SANDBOX_RUNNERS = []
    settings.SANDBOX_KERNEL_NAMESPACE = uuid.uuid4().hex
    for name, value in DEFAULT_LIMITS.items():
        setattr(settings, f"SANDBOX_{name.upper()}", value)
    return settings


def _run(client, part, cell_id: str, code: str, label: str = "") -> dict:
    response = client.post(
        reverse("learn:run", args=[TRACK, part]),
        data=json.dumps({"cell": cell_id, "code": code, "label": label}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize("part", [p.slug for p in _parts()])
def test_every_cell_of_the_part_runs_in_a_fresh_sandbox_kernel(site, client, part):
    lesson = library(site.LESSONS_DIR).track(TRACK).get(part)
    figures = 0
    answer = {}
    for cell in lesson.cells:
        answer = _run(client, part, cell.id, cell.source, cell.label)
        problems = [o for o in answer["outputs"] if o["output_type"] == "error"]
        assert answer["status"] == "ok", (cell.label, answer.get("message"), problems)
        figures += sum("image/png" in o.get("data", {}) for o in answer["outputs"])
    assert figures >= 3
    # Running every cell finishes every section that has cells (and no exercise to pass).
    with_exercises = {number for number, ids in lesson.section_exercises.items() if ids}
    sections_with_cells = {cell.section for cell in lesson.cells} - with_exercises
    done = {number for number, ok in answer["progress"]["sections"].items() if ok}
    assert sections_with_cells <= done


def test_the_certificate_gets_the_members_display_name(site, make_member, client):
    member = make_member("lovelace")
    member.profile.display_name = "Ada Lovelace"
    member.profile.save()
    client.force_login(member)
    answer = _run(client, "10-whats-next", "scratch-1", "print(LEARNER_NAME)")
    assert answer["outputs"][0]["text"].strip() == "Ada Lovelace"


def test_a_visitor_gets_a_neutral_name(site, client):
    answer = _run(client, "10-whats-next", "scratch-1", "print(LEARNER_NAME)")
    assert answer["outputs"][0]["text"].strip() == "Learner"

"""Exercise endpoints against the real runner: check, hint, solution, state, progress, bad input.

The fixture exercise is `middle-score` in tests/learn/content/decision-demo/02-neuron.md
(section 2.1, after the `setup`, `weights` and `weights-plot` cells).
"""

import json
import logging

import pytest
from django.test import Client

from learn import checklib, exercises
from learn.models import ExerciseState, ProgressMark
from tests.conftest import PASSWORD

from .conftest import CONTENT, TRACK, lesson_url

pytestmark = pytest.mark.django_db

PART = "02-neuron"
EXERCISE = "middle-score"
SOLUTION = "middle = np.zeros(9)\nmiddle[[1, 4, 7]] = 1\nscore = weights @ middle + bias"
STARTER = "middle = np.zeros(9)\nscore = 0.0\n"


@pytest.fixture
def runner(sandbox, settings):
    """The session's real runner, with the learn fixture lessons."""
    settings.LESSONS_DIR = CONTENT
    return sandbox


def url(action: str, exercise: str = EXERCISE, part: str = PART) -> str:
    return lesson_url(part, f"exercises/{exercise}/{action}")


def post(client, action: str, body=None, *, exercise: str = EXERCISE, raw=None, part=PART):
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    response = client.post(
        url(action, exercise, part),
        data=data,
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    answer["_http"] = response.status_code
    return answer


def check(client, code: str, **kwargs) -> dict:
    return post(client, "check", {"code": code}, **kwargs)


def run_cells_above(client) -> None:
    for cell in ("setup", "weights", "weights-plot"):
        source = _cell_source(cell)
        response = client.post(
            lesson_url(PART, "run"),
            data=json.dumps({"cell": cell, "code": source}),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )
        assert response.json()["status"] == "ok", response.json()


def _cell_source(cell_id: str) -> str:
    from learn.content import library

    return library(CONTENT).part(TRACK, PART).cell_map[cell_id].source


# -- checking through the real runner -----------------------------------------------------------
@pytest.mark.sandbox
def test_starter_fails_with_a_specific_message_and_the_solution_passes(runner, visitor):
    run_cells_above(visitor)
    failed = check(visitor, STARTER)
    assert failed["_http"] == 200
    assert failed["status"] == "fail"
    assert "`middle[1]` is 0; it should be 1" in failed["message"]
    assert failed["solved"] is False
    assert failed["hints_used"] == 0
    assert failed["state"] == "failed"
    assert failed["kernel"]["state"] == "ready"
    assert isinstance(failed["execution_count"], int)
    assert isinstance(failed["outputs"], list)
    assert failed["progress"]["sections"]["2.1"] is False

    passed = check(visitor, SOLUTION + "\nprint('my score', round(float(score), 3))")
    assert passed["status"] == "pass"
    assert passed["message"].startswith("That is the score")
    assert passed["solved"] is True
    assert passed["state"] == "passed"
    assert passed["outputs"][0]["text"].startswith("my score")
    assert passed["progress"]["sections"]["2.1"] is True
    assert passed["progress"]["exercises_done"] == 1
    assert passed["progress"]["exercises_total"] == 1

    # A later failure does not take the pass away.
    again = check(visitor, STARTER)
    assert again["status"] == "fail"
    assert again["solved"] is True


@pytest.mark.sandbox
def test_each_wrong_answer_gets_its_own_feedback(runner, visitor):
    from learn.content import library

    exercise = library(CONTENT).part(TRACK, PART).exercise_map[EXERCISE]
    run_cells_above(visitor)
    for wrong in exercise.wrong:
        answer = check(visitor, wrong.code)
        assert answer["status"] == "fail"
        assert answer["message"] != checklib.GENERIC
        assert wrong.says.lower() in answer["message"].lower()


@pytest.mark.sandbox
def test_a_fresh_kernel_says_to_run_the_setup_cell(runner, visitor):
    answer = check(visitor, SOLUTION)
    assert answer["status"] == "error"
    assert "`np` is not defined" in answer["message"]
    assert "setup cell" in answer["message"]
    assert answer["outputs"][-1]["ename"] == "NameError"
    assert answer["solved"] is False


@pytest.mark.sandbox
def test_the_learner_cannot_fake_the_verdict(runner, visitor):
    run_cells_above(visitor)
    cheat = (
        "middle = np.zeros(9)\nscore = 0.0\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda *a, **k: np.ones(9, dtype=bool)\n"
        "def need(name):\n    return 1\n"
        "check = expect_close = expect_array = need\n"
        "CheckFailed = Exception\n"
    )
    answer = check(visitor, cheat)
    assert answer["status"] == "fail"
    assert "middle[1]" in answer["message"]
    # Only the check saw NumPy as it was: the learner's own patch is still theirs.
    after = check(visitor, "print(np.allclose(1, 2))")
    assert after["outputs"][0]["text"] == "True\n"


@pytest.mark.sandbox
def test_a_runaway_answer_is_a_limit_and_never_passes(runner, visitor):
    run_cells_above(visitor)
    answer = check(visitor, SOLUTION + "\nwhile True:\n    pass\n")
    assert answer["status"] == "limit"
    assert "CPU" in answer["message"] or "time" in answer["message"]
    assert answer["solved"] is False
    assert not ProgressMark.objects.filter(kind="pass").exists()


@pytest.mark.sandbox
def test_a_crashing_check_is_our_bug_not_theirs(runner, visitor, lessons_copy, settings, caplog):
    path = lessons_copy / TRACK / "02-neuron.md"
    text = path.read_text()
    path.write_text(text.replace('weights, bias = need("weights"), need("bias")', "1 / 0"))
    settings.LESSONS_DIR = lessons_copy
    run_cells_above(visitor)
    with caplog.at_level(logging.ERROR, logger="learn.exercises"):
        answer = check(visitor, SOLUTION)
    assert answer["status"] == "error"
    assert answer["message"] == exercises.CHECK_CRASHED
    assert "ZeroDivisionError" in caplog.text
    assert "ZeroDivisionError" not in json.dumps(answer)


@pytest.mark.sandbox
def test_checks_are_rate_limited_like_runs(runner, visitor, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 2
    assert check(visitor, "x = 1")["_http"] == 200
    assert check(visitor, "x = 1")["_http"] == 200
    limited = check(visitor, "x = 1")
    assert limited["_http"] == 429
    assert "Too many runs" in limited["message"]
    assert check(Client(), "x = 1")["_http"] == 200  # someone else is not limited


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        ("{not json", 400, "Send JSON"),
        ("[1, 2]", 400, "JSON object"),
        ('{"code": 5}', 400, '"code" must be'),
        ("{}", 400, '"code" must be'),
        ('{"code": "\\ud800"}', 400, "not valid text"),
        ('{"code": "x = 1\\u0000"}', 400, "NUL"),
    ],
)
def test_bad_check_bodies_are_clear_4xx(visitor, raw, status, words):
    answer = post(visitor, "check", raw=raw)
    assert answer["_http"] == status
    assert words in answer["message"]


def test_oversize_code_is_413(visitor, settings):
    settings.SANDBOX_CODE_BYTES = 1024
    answer = check(visitor, "x = 1\n" * 400)
    assert answer["_http"] == 413
    assert "too long" in answer["message"]


@pytest.mark.parametrize("action", ["check", "hint", "solution"])
def test_unknown_part_or_exercise_is_404_json(visitor, action):
    body = {"code": "x = 1"}
    unknown = post(visitor, action, body, exercise="no-such-exercise")
    assert unknown["_http"] == 404
    assert "no exercise" in unknown["message"]
    odd = post(visitor, action, body, exercise="%F0%9F%90%8D")
    assert odd["_http"] == 404
    missing = post(visitor, action, body, part="99-nothing")
    assert missing["_http"] == 404
    assert "no such lesson part" in missing["message"]


@pytest.mark.parametrize("action", ["check", "hint", "solution"])
def test_get_is_not_allowed(visitor, action):
    assert visitor.get(url(action)).status_code == 405


def test_hammering_hints_is_429(visitor, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 3
    for _ in range(3):
        assert post(visitor, "hint")["_http"] == 200
    limited = post(visitor, "hint")
    assert limited["_http"] == 429
    assert "Too many" in limited["message"]


# -- the hint ladder and the solution -----------------------------------------------------------
def test_hint_ladder_then_solution(visitor):
    refused = post(visitor, "solution")
    assert refused["_http"] == 409
    assert "3 more to go" in refused["message"]
    levels = [post(visitor, "hint") for _ in range(3)]
    assert [(h["level"], h["last"]) for h in levels] == [(1, False), (2, False), (3, True)]
    assert "<code>weights @ middle + bias</code>" in levels[2]["hint"]
    assert post(visitor, "hint")["level"] == 3  # the top of the ladder stays the top
    solution = post(visitor, "solution")
    assert solution == {"solution": SOLUTION, "_http": 200}
    state = visitor.session[exercises.SESSION_KEY][f"{TRACK}/{PART}/{EXERCISE}"]
    assert state["hints_used"] == 3
    assert state["solution_revealed"] is True


def test_hints_are_sanitized_html(visitor, lessons_copy):
    path = lessons_copy / TRACK / "02-neuron.md"
    text = path.read_text()
    path.write_text(
        text.replace(
            "  - A 3×3 grid flattened",
            '  - "<script>alert(1)</script> [x](javascript:alert(1))"\n  - A 3×3 grid flattened',
        )
    )
    hint = post(visitor, "hint")["hint"]
    assert "<script>" not in hint
    assert "javascript:" not in hint


def test_member_state_is_in_the_database(member_client, member):
    post(member_client, "hint")
    post(member_client, "hint")
    row = ExerciseState.objects.get(user=member, exercise=EXERCISE)
    assert (row.hints_used, row.solution_revealed, row.passed) == (2, False, False)
    html = member_client.get(lesson_url(PART)).content.decode()
    assert 'data-exercise-status="untried" data-hints-used="2"' in html
    assert html.count('class="exercise-hint"') == 2


@pytest.mark.sandbox
def test_passing_after_the_solution_is_marked_as_such(runner, member_client, member):
    for _ in range(3):
        post(member_client, "hint")
    post(member_client, "solution")
    run_cells_above(member_client)
    answer = check(member_client, SOLUTION)
    assert answer["status"] == "pass"
    assert answer["state"] == "solution"
    row = ExerciseState.objects.get(user=member, exercise=EXERCISE)
    assert row.passed
    assert row.passed_with_solution
    assert ProgressMark.objects.filter(user=member, kind="pass", key=EXERCISE).count() == 1
    html = member_client.get(lesson_url(PART)).content.decode()
    assert 'data-exercise-status="solution"' in html
    assert "passed with solution" in html
    assert "Exercises: <span data-exercises-done>1</span>/<span data-exercises-total>1</span>" in (
        html
    )
    assert 'data-section="2.1" data-section-done="true"' in html


@pytest.mark.sandbox
def test_visitor_exercises_merge_on_sign_in(runner, client, member):
    post(client, "hint")
    run_cells_above(client)
    assert check(client, SOLUTION)["status"] == "pass"
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    row = ExerciseState.objects.get(user=member, exercise=EXERCISE)
    assert (row.hints_used, row.passed, row.passed_with_solution) == (1, True, False)
    assert row.last_status == "pass"
    assert ProgressMark.objects.filter(user=member, kind="pass", key=EXERCISE).exists()
    assert exercises.SESSION_KEY not in client.session
    html = client.get(f"/learn/{TRACK}/").content.decode()
    assert "1/1 exercises" in html


def test_merge_keeps_the_furthest_state(client, member):
    ExerciseState.objects.create(
        user=member, track=TRACK, part=PART, exercise=EXERCISE, hints_used=3, passed=True
    )
    post(client, "hint")
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    row = ExerciseState.objects.get(user=member, exercise=EXERCISE)
    assert (row.hints_used, row.passed) == (3, True)


def test_a_section_with_an_exercise_cannot_be_marked_read(visitor):
    response = visitor.post(
        lesson_url(PART, "read"), {"section": "2.1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400


# -- the page -----------------------------------------------------------------------------------
def test_the_lesson_page_renders_the_exercise(visitor):
    html = visitor.get(lesson_url(PART)).content.decode()
    assert f'data-exercise="{EXERCISE}"' in html
    assert 'data-cell-label="exercise 1"' in html
    assert 'data-exercise-action="check"' in html
    assert 'data-exercise-action="hint"' in html
    assert 'data-exercise-action="solution" hidden' in html
    assert f'id="source-{EXERCISE}"' in html
    assert 'aria-label="Your answer to exercise 1: ' in html
    assert 'data-exercise-status="untried"' in html
    assert "not tried" in html
    assert f'data-exercises-url="/learn/{TRACK}/{PART}/exercises/"' in html
    assert "Exercises: <span data-exercises-done>0</span>" in html
    section = html.split('id="s-2-1"', 1)[1].split("</section>", 1)[0]
    assert "Mark section 2.1 as read" not in section
    assert "solution" not in section.split("data-exercise-solution-code>", 1)[1][:20]


def test_the_lab_page_renders_the_exercise(visitor):
    html = visitor.get(lesson_url(PART, "lab/")).content.decode()
    assert f'data-exercise="{EXERCISE}"' in html
    assert 'data-exercise-status="untried"' in html


def test_lesson_page_query_counts_with_exercises(visitor, member_client, django_assert_num_queries):
    visitor.get(lesson_url(PART))  # warm the lesson cache
    with django_assert_num_queries(1):  # a first-time visitor: the forum topics only
        visitor.get(lesson_url(PART))
    # as for a part without exercises (8, with the tutor's history), plus the member's
    # exercise states
    with django_assert_num_queries(10):
        member_client.get(lesson_url(PART))


def test_profile_and_track_page_show_exercises(member_client, member):
    from django.urls import reverse

    ProgressMark.objects.create(user=member, track=TRACK, part=PART, kind="pass", key=EXERCISE)
    page = member_client.get(reverse("member", args=[member.username])).content.decode()
    assert "0 of 6 sections done; 1 of 1 exercises passed." in " ".join(page.split())
    assert "0/2 · exercises 1/1" in page
    track_page = member_client.get(f"/learn/{TRACK}/").content.decode()
    assert "0/2 sections · 1/1 exercises" in track_page


@pytest.mark.sandbox
def test_runner_down_is_a_calm_503(runner, visitor, settings, tmp_path):
    settings.SANDBOX_SOCKET = tmp_path / "nobody-listens.sock"
    answer = check(visitor, SOLUTION)
    assert answer["_http"] == 503
    assert answer["status"] == "error"
    assert answer["kernel"]["state"] == "unavailable"
    assert "not available" in answer["message"]
    assert answer["solved"] is False


def test_a_check_error_carries_help_naming_the_cell_that_defines_the_name(runner, client):
    answer = check(client, "middle = np.zeros(9)\nscore = weights @ middle + bias")
    assert answer["status"] == "error"
    help_ = answer["help"]
    assert "cell 001" in help_["text"] or "cell 001" in help_.get("run_label", "")
    assert all("debug" not in output for output in answer["outputs"])


def test_a_check_on_a_kernel_the_runner_lost_replays_the_cells_above_first(runner, client):
    from learn import sandbox as seam

    run_cells_above(client)
    learner = f"s{client.session.session_key}"
    kernel_id, _owner = seam.kernel_ids(learner, TRACK, PART)
    runner.call({"op": "shutdown", "kernel": kernel_id})
    answer = check(client, SOLUTION)
    assert answer["status"] == "pass", answer
    assert answer["kernel"]["state"] == "restored"
    assert answer["replayed"] == ["setup", "weights", "weights-plot"]

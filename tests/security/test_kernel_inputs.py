"""Red-team code in a learner's own kernel, through the real runner: output the protocol cannot
encode, hostile __str__/__repr__/__array__, and variable names the tutor's inspect op reads.
Whatever the code does, the answer is words and the kernel keeps the learner's variables."""

import json
import logging
import threading
import uuid

import pytest

from tests.learn.conftest import CONTENT, lesson_url

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox]

PART = "02-neuron"


@pytest.fixture
def runner(sandbox, settings):
    settings.LESSONS_DIR = CONTENT
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    settings.TUTOR_LLM_MODEL = ""
    return sandbox


def _post(client, path: str, body: dict) -> dict:
    response = client.post(
        lesson_url(PART, path),
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def run(client, code: str) -> dict:
    return _post(client, "run", {"cell": "setup", "code": code})


def assert_kernel_kept(client) -> None:
    answer = run(client, "kept + 1")
    assert answer["status"] == "ok", answer
    assert answer["outputs"][0]["data"]["text/plain"] == "42"
    assert answer["kernel"]["state"] == "ready"


def test_printing_a_lone_surrogate_keeps_the_kernel(runner, client):
    assert run(client, "kept = 41")["status"] == "ok"
    answer = run(client, "print('a\\ud800b')\n'c\\udfffd'")
    assert answer["status"] == "ok", answer
    assert answer["outputs"][0]["text"] == "a?b\n"
    assert answer["outputs"][1]["data"]["text/plain"] == "'c\\udfffd'"  # repr escapes it
    assert_kernel_kept(client)


HOSTILE_STR = "class X(Exception):\n    def __str__(self):\n        raise SystemExit(5)\n"


def test_an_error_whose_str_raises_system_exit_keeps_the_kernel(runner, client):
    assert run(client, "kept = 41")["status"] == "ok"
    answer = run(client, HOSTILE_STR + "raise X()")
    assert answer["status"] == "error"
    error = answer["outputs"][-1]
    assert (error["ename"], error["evalue"]) == ("X", "<unprintable>")
    assert "zygote" not in json.dumps(answer)  # no runner traceback for the learner
    assert_kernel_kept(client)


def test_a_repr_raising_an_unprintable_error_keeps_the_kernel(runner, client):
    assert run(client, "kept = 41")["status"] == "ok"
    code = HOSTILE_STR + "class E:\n    def __repr__(self):\n        raise X()\nE()"
    answer = run(client, code)
    assert answer["status"] == "ok", answer
    assert answer["outputs"][0]["data"]["text/plain"] == "<repr failed: X>"
    assert_kernel_kept(client)


def test_the_tutor_reading_odd_variable_names_keeps_the_kernel(runner, member_client):
    assert run(member_client, "kept = 41")["status"] == "ok"
    assert run(member_client, "globals()['odd\\ud800'] = 1\nglobals()[7] = 2")["status"] == "ok"
    answer = _post(member_client, "tutor", {"question": "What is in my kernel?", "cell": "setup"})
    assert answer["engine"] == "built-in"
    assert_kernel_kept(member_client)


def test_variable_and_type_names_are_text_in_the_tutor_answer(runner, member_client):
    from tests.security.markup import assert_no_executable_markup

    code = (
        "import numpy as np\n"
        "globals()['<img src=x onerror=alert(1)>'] = np.zeros(3)\n"
        "odd = type('<script>alert(1)</script>', (), {})()\n"
        "err = 1 / 0"
    )
    assert run(member_client, code)["status"] == "error"
    answer = _post(member_client, "tutor", {"question": "What is in my kernel?", "cell": "setup"})
    assert "<code>odd</code>: &lt;script&gt;alert(1)&lt;/script&gt;" in answer["answer"]
    assert "<code>&lt;img src=x onerror=alert(1)&gt;</code>: array (3,)" in answer["answer"]
    assert_no_executable_markup(answer["answer"])
    page = member_client.get(lesson_url(PART))
    assert_no_executable_markup(page.content.decode(), page=True)


EVIL_ARRAY = """
class Evil:
    def __array__(self, *args, **kwargs):
        raise {error}
    def __repr__(self):
        raise RuntimeError("no repr either")
middle = Evil()
score = 0.0
"""


@pytest.mark.parametrize("error", ["RuntimeError('boom')", "SystemExit(3)"])
def test_an_answer_whose_own_code_raises_in_the_check_fails_with_words(
    runner, client, caplog, error
):
    from tests.learn.test_exercises import run_cells_above

    run_cells_above(client)
    with caplog.at_level(logging.ERROR, logger="learn"):
        answer = _post(
            client, "exercises/middle-score/check", {"code": EVIL_ARRAY.format(error=error)}
        )
    assert answer["status"] == "fail", answer
    name = error.split("(")[0]
    assert f"your own code, and it raised {name}" in answer["message"]
    assert not [r for r in caplog.records if "crashed" in r.getMessage()]  # not "our bug"
    assert answer["kernel"]["state"] == "ready"


FORGED = """
import gc
kernel = next(o for o in gc.get_objects() if type(o).__name__ == "Kernel")
kernel.send({"t": "output", "output": %r})
kernel.send({"t": "done", "ok": False, "ename": "NameError", "execution_count": 1})
"""


@pytest.mark.parametrize("path", ["run", "exercises/middle-score/check"])
def test_frames_a_learner_forges_in_their_kernel_get_an_answer_not_a_500(runner, client, path):
    """Learner code shares the kernel's process: anything the runner passes on is untrusted."""
    error = {
        "output_type": "error",
        "ename": "NameError",
        "evalue": "name 'weights' is not defined",
        "traceback": ['  File "<cell setup>", line ' + "9" * 5000, "    weights"],
    }
    answer = _post(client, path, {"cell": "setup", "code": FORGED % error})
    assert answer["status"] == "error"


def test_a_double_submit_to_a_cold_kernel_starts_one_kernel_and_loses_nothing(runner):
    """Two clicks on Run (or Check) before the learner's first kernel exists: both used to
    start a kernel, and the second killed the first mid-run ("the kernel stopped
    unexpectedly", its variables gone)."""
    kernel = uuid.uuid4().hex

    def call(code: str) -> list[dict]:
        return runner.call({"op": "run", "kernel": kernel, "owner": "double", "code": code})

    barrier, answers = threading.Barrier(3), []

    def submit():
        barrier.wait()
        answers.append(call("import time\ntime.sleep(0.3)\nkept = 41")[-1])

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [answer["status"] for answer in answers] == ["ok"] * 3, answers
    frames = call("print(kept + 1)")
    assert frames[-1]["status"] == "ok"
    assert [f["output"]["text"] for f in frames if f["t"] == "output"] == ["42\n"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("middle = [10**400] * 9", "`middle` holds a number too large for a float"),
        ("middle = 0\nfor _ in range(100_000):\n    middle = [middle]", "yours is list (it cannot"),
    ],
)
def test_answers_numpy_cannot_convert_fail_with_words_not_a_checker_crash(
    runner, client, code, words
):
    from tests.learn.test_exercises import run_cells_above

    run_cells_above(client)
    answer = _post(client, "exercises/middle-score/check", {"code": code + "\nscore = 0.0"})
    assert answer["status"] == "fail", answer
    assert words in answer["message"]

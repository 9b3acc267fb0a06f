"""The runner's "check" operation: the learner's code runs like a cell, then the check runs in a
namespace of its own, and the verdict comes back in the result frame."""

import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.sandbox

LIBRARY = (Path(__file__).resolve().parents[2] / "learn" / "checklib.py").read_text()


def check(runner, code: str, source: str, *, kernel: str | None = None) -> tuple[list, dict]:
    frames = runner.call(
        {
            "op": "check",
            "kernel": kernel or uuid.uuid4().hex,
            "owner": "check-tests",
            "cell": "ex",
            "code": code,
            "filename": "<cell ex>",
            "names": {},
            "check": {"source": source, "library": LIBRARY},
        }
    )
    outputs = [f["output"] for f in frames if f.get("t") == "output"]
    return outputs, frames[-1]


def test_pass_and_fail_speak_about_the_learners_values(sandbox_runner):
    _, result = check(sandbox_runner, "x = 3", "expect_close('x', 3)")
    assert result["status"] == "ok"
    assert result["verdict"]["status"] == "pass"
    _, result = check(sandbox_runner, "x = -3", "expect_close('x', 3)")
    assert result["verdict"] == {
        "status": "fail",
        "message": "`x` is -3: the right size, the wrong sign.",
        "detail": "",
    }


def test_the_check_sees_the_figure_before_it_is_closed(sandbox_runner):
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.title('t')\nplt.xlabel('x')"
    outputs, result = check(sandbox_runner, code, "expect_figure()")
    assert result["verdict"]["message"] == "Label the y axis (`plt.ylabel(...)`)."
    assert [o["output_type"] for o in outputs].count("display_data") == 1


def test_no_check_after_an_error_and_a_crash_is_reported_apart(sandbox_runner):
    outputs, result = check(sandbox_runner, "y = nothing", "expect_close('x', 3)")
    assert result["status"] == "error"
    assert result["verdict"] is None
    assert outputs[-1]["ename"] == "NameError"
    _, result = check(sandbox_runner, "x = 3", "1 / 0")
    assert result["status"] == "ok"
    assert result["verdict"]["status"] == "crashed"
    assert "ZeroDivisionError" in result["verdict"]["detail"]


def test_a_function_that_never_returns_is_a_limit(sandbox_runner):
    code = "def f(x):\n    while True:\n        pass\n"
    _, result = check(sandbox_runner, code, "expect_function('f', [(1, 2)])")
    assert result["status"] == "limit"
    assert result["verdict"] is None


def test_patching_numpy_does_not_change_the_verdict(sandbox_runner):
    kernel = uuid.uuid4().hex
    code = (
        "import numpy as np\nx = 4\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.asarray = lambda *a, **k: np.array(3.0)\n"
    )
    _, result = check(sandbox_runner, code, "expect_close('x', 3)", kernel=kernel)
    assert result["verdict"]["message"] == "`x` is 4; it should be 3."
    outputs, _ = check(sandbox_runner, "print(np.allclose(1, 2))", "pass", kernel=kernel)
    assert outputs[0]["text"] == "True\n"  # the learner's own patch is theirs to keep


def test_a_plain_run_has_no_verdict(sandbox_runner):
    frames = sandbox_runner.call(
        {"op": "run", "kernel": uuid.uuid4().hex, "owner": "check-tests", "code": "x = 1"}
    )
    assert frames[-1]["status"] == "ok"
    assert frames[-1].get("verdict") is None

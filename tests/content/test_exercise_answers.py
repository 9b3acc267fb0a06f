"""Every exercise of every part, answered three ways in a plain Python namespace.

For each exercise the code cells above it run first (as a learner's kernel would have them),
then: the starter runs without error and fails its check with a message; the solution passes;
every `wrong:` example fails with a message that is not the generic one (and contains `says`).
The same exercises also run through the real sandbox in the exercise engine's tests; this file
is the fast check a lesson writer runs while writing.
"""

import contextlib
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from learn import checklib, content

TRACK_DIR = Path(__file__).resolve().parents[2] / "lessons_content" / "brains-decision-committee"


def _exercises() -> list:
    found = []
    for path in sorted(TRACK_DIR.glob("*.md")):
        part, errors = content.parse_part(path, TRACK_DIR.name)
        assert not errors, errors
        found.extend(pytest.param(part, e, id=f"{part.slug}:{e.id}") for e in part.exercises)
    return found


def _cells_above(part, exercise) -> list:
    cells = []
    for block in [*part.intro, *(b for s in part.sections for b in [s, *s.blocks])]:
        if block is exercise:
            return cells
        if isinstance(block, content.Cell):
            cells.append(block)
    raise AssertionError(f"{exercise.id} not found")


def _run(source: str, namespace: dict, name: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, name, "exec"), namespace)  # noqa: S102 - our own lesson code


def _kernel_after(part, exercise) -> dict:
    namespace = {"__name__": "__main__", "LEARNER_NAME": "Ada"}
    for cell in _cells_above(part, exercise):
        _run(cell.source, namespace, f"<cell {cell.id}>")
        plt.close("all")
    return namespace


def _verdict(part, exercise, code: str) -> str | None:
    namespace = _kernel_after(part, exercise)
    _run(code, namespace, f"<exercise {exercise.id}>")
    try:
        return checklib.run_check(exercise.check, namespace)
    finally:
        plt.close("all")


EXERCISES = _exercises()


@pytest.mark.parametrize(("part", "exercise"), EXERCISES)
def test_the_starter_runs_and_fails_with_a_message(part, exercise):
    message = _verdict(part, exercise, exercise.starter)
    assert message, f"{exercise.id}: the starter passes its own check"


@pytest.mark.parametrize(("part", "exercise"), EXERCISES)
def test_the_solution_passes(part, exercise):
    assert _verdict(part, exercise, exercise.solution) is None


@pytest.mark.parametrize(("part", "exercise"), EXERCISES)
def test_each_wrong_answer_gets_specific_feedback(part, exercise):
    for wrong in exercise.wrong:
        message = _verdict(part, exercise, wrong.code)
        assert message, f"{exercise.id}: a wrong answer passes:\n{wrong.code}"
        assert message != checklib.GENERIC, f"{exercise.id}: generic feedback for\n{wrong.code}"
        assert wrong.says.lower() in message.lower(), (wrong.says, message)

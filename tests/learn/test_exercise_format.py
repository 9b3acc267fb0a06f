"""The exercise block: one parsed form for the page, the export and the checks."""

import textwrap

import jupytext
import pytest

from learn import checklib, content

from .conftest import TRACK
from .test_content import PART, errors_for, write_part

EXERCISE = textwrap.dedent(
    """\
    ```{exercise} middle-column
    title: Draw the middle column
    starter: |
      vertical_middle = np.zeros((3, 3))
    check: |
      expect_array("vertical_middle", [[0, 1, 0]] * 3, why="three rows of three pixels")
    hints:
      - Which index is the middle column?
      - Columns are the second index.
      - "Set `vertical_middle[:, 1]`."
    solution: |
      vertical_middle = np.zeros((3, 3))
      vertical_middle[:, 1] = 1
    wrong:
      - code: |
          vertical_middle = np.zeros((3, 3))
          vertical_middle[1, :] = 1
        says: transposed
    success: That is the line the vertical members look for.
    ```
    """
)
WITH_EXERCISE = PART.replace("## 4.2 Second", EXERCISE + "\n## 4.2 Second")
# Line numbers in WITH_EXERCISE: 36 the exercise fence, 37 title, 38 starter, 40 check,
# 42 hints, 46 solution, 49 wrong.


def load(root, text):
    write_part(root, text)
    return content.library(root).part(TRACK, "04-extra")


def test_an_exercise_is_parsed_into_its_section(lessons_copy):
    part = load(lessons_copy, WITH_EXERCISE)
    assert errors_for(lessons_copy) == []
    (exercise,) = part.exercises
    assert exercise.id == "middle-column"
    assert exercise.label == "exercise 1"
    assert exercise.section == "4.1"
    assert exercise.title == "Draw the middle column"
    assert exercise.starter == "vertical_middle = np.zeros((3, 3))"
    assert len(exercise.hints) == 3
    assert exercise.hints[2] == "Set `vertical_middle[:, 1]`."
    assert exercise.wrong[0].says == "transposed"
    assert part.section_exercises == {"4.1": {"middle-column"}, "4.2": frozenset()}
    assert part.exercise_map["middle-column"] is exercise
    # An exercise is not a lesson cell: cell numbers and section cells are unchanged.
    assert [cell.label for cell in part.cells] == ["cell 001", "cell 002"]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("  - Columns are the second index.\n", "", 42, "needs 3 or more hints"),
        ("check: |\n  expect_array", "checks: |\n  expect_array", 40, "unknown exercise key"),
        ("check: |\n  expect_array", "checks: |\n  expect_array", 36, "has no check"),
        ("```{exercise} middle-column", "```{exercise} first", 36, "duplicate exercise id"),
        ("```{exercise} middle-column", "```{exercise}", 36, "needs an id"),
        ("  vertical_middle[:, 1] = 1", "  vertical_middle[:, 1] = = 1", 48, "not valid Python"),
        ("wrong:\n  - code: |", "wrong: []\nx:\n  - code: |", 49, "needs a 'wrong:' list"),
        ("title: Draw", "title: [Draw", 38, "is not YAML"),
    ],
)
def test_lessons_check_reports_exercise_errors(lessons_copy, old, new, line, message):
    assert old in WITH_EXERCISE
    write_part(lessons_copy, WITH_EXERCISE.replace(old, new, 1))
    errors = errors_for(lessons_copy)
    assert any(f"04-extra.md:{line}: " in e and message in e for e in errors), errors


def test_an_exercise_before_the_first_section_is_refused(lessons_copy):
    write_part(lessons_copy, PART.replace("Intro.\n", "Intro.\n\n" + EXERCISE))
    errors = errors_for(lessons_copy)
    assert any("an exercise must be inside a section" in e for e in errors), errors


def test_jupytext_still_reads_the_part_as_a_notebook(lessons_copy):
    write_part(lessons_copy, WITH_EXERCISE)
    notebook = jupytext.read(lessons_copy / TRACK / "04-extra.md", fmt="md:myst")
    code = [cell.metadata.get("id") for cell in notebook.cells if cell.cell_type == "code"]
    assert code == ["first", "second"]


def run(check_source, **learner):
    return checklib.run_check(check_source, {"np": checklib.np, **learner})


def test_check_helpers_speak_about_the_learners_values():
    import numpy as np

    expected = np.array([[0, 1, 0]] * 3)
    assert run('expect_array("v", E)'.replace("E", repr(expected.tolist())), v=expected) is None
    message = run('expect_array("v", [[0, 1, 0]] * 3)', v=expected.T)
    assert "transposed" in message
    message = run('expect_array("v", shape=(3, 3), why="one per pixel")', v=np.zeros(3))
    assert message == "Your `v` has shape (3,); it should be (3, 3) — one per pixel."
    assert run('expect_array("v", [[0, 1]])', v=[[0, 0]]) == "`v[0, 1]` is 0; it should be 1."
    assert "opposite sign" in run('expect_array("v", [1, -2])', v=np.array([-1, 2]))
    assert run('expect_close("t", 0.5)', t=0.25) == "`t` is 0.25; it should be 0.5."
    assert run('need("trust")') == "Define `trust` before checking: run your cell with it first."


def test_function_cases_name_the_case_that_fails():
    def sigmoid(z):
        return 0.0 * z

    message = run('expect_function("sigmoid", [(0, 0.5)])', sigmoid=sigmoid)
    assert message == "`sigmoid(0)` should be 0.5; yours gives 0."
    message = run('expect_function("f", [(1, 1)])', f=lambda z: None)
    assert "returned None" in message
    message = run('expect_function("f", [(1, 1)])', f=lambda z: 1 / 0)
    assert "raised ZeroDivisionError" in message


def test_a_learner_cannot_shadow_a_helper():
    message = run('expect_close("x", 2)', x=1, expect_close=lambda *a: None, fail=print)
    assert message == "`x` is 1; it should be 2."


def test_a_crashing_check_is_not_the_learners_fault():
    with pytest.raises(NameError):
        run("undefined_helper()")

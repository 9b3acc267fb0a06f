"""Exported notebooks keep every exercise, and check() works in a plain Jupyter kernel.

Every exported notebook with exercises (the fixture track and any real part) is executed with
nbclient twice: as exported (each starter's check prints a failure and the notebook runs to
the end) and with each solution in place of its starter (each check prints a pass).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from learn import content
from learn.notebook import build_notebook, exercise_code

from .conftest import CONTENT, TRACK

REAL_LESSONS = Path(django_settings.BASE_DIR) / "lessons_content"


def _parts_with_exercises() -> list:
    found = []
    for root in (CONTENT, REAL_LESSONS):
        library = content.library(root)
        for track in library.tracks:
            found.extend(
                pytest.param(root, track.slug, part.slug, id=f"{track.slug}/{part.slug}")
                for part in track.parts
                if part.exercises
            )
    return found


PARTS = _parts_with_exercises()


def test_the_fixture_track_has_an_exercise_to_export():
    assert any(param.values[0] == CONTENT for param in PARTS)


def test_an_exercise_in_the_notebook():
    part = content.library(CONTENT).part(TRACK, "02-neuron")
    notebook = build_notebook(part)
    cell = next(c for c in notebook.cells if c.get("id") == "exercise-middle-score")
    assert cell.cell_type == "code"
    assert cell.source.startswith("middle = np.zeros(9)\nscore = 0.0")
    assert cell.source.endswith('\n\ncheck("middle-score")')
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "### Exercise 1: Score the middle column" in markdown
    assert "<details><summary>Hint 3</summary>" in markdown
    assert "<details><summary>Solution</summary>\n\n```python\nmiddle = np.zeros(9)" in markdown
    setup = next(c for c in notebook.cells if c.get("id") == "setup")
    assert "def _agenticworks_checker(" in setup.source
    assert not re.search(r"^\s*(import|from) (django|learn)", setup.source, re.M)
    assert "http" not in setup.source.split("Exercise checks", 1)[1]  # nothing downloaded


def _execute(notebook, tmp_path):
    from nbclient import NotebookClient

    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return notebook


def _check_output(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.kernel
@pytest.mark.parametrize(("root", "track", "slug"), PARTS)
def test_exported_starters_fail_and_the_notebook_runs_to_the_end(
    root, track, slug, monkeypatch, tmp_path
):
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    part = content.library(root).part(track, slug)
    notebook = _execute(build_notebook(part), tmp_path)
    for exercise in part.exercises:
        cell = next(c for c in notebook.cells if c.get("id") == f"exercise-{exercise.id}")
        printed = _check_output(cell)
        assert printed.startswith("Not yet: "), (exercise.id, printed)
        assert len(printed) > len("Not yet: \n")
    last = [c for c in notebook.cells if c.cell_type == "code"][-1]
    assert last.get("execution_count"), "the notebook did not run to the end"
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in errors if o.output_type == "error"]


@pytest.mark.kernel
@pytest.mark.parametrize(("root", "track", "slug"), PARTS)
def test_exported_solutions_pass(root, track, slug, monkeypatch, tmp_path):
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    part = content.library(root).part(track, slug)
    notebook = build_notebook(part)
    for exercise in part.exercises:
        cell = next(c for c in notebook.cells if c.get("id") == f"exercise-{exercise.id}")
        cell.source = exercise_code(exercise, exercise.solution)
    notebook = _execute(notebook, tmp_path)
    for exercise in part.exercises:
        cell = next(c for c in notebook.cells if c.get("id") == f"exercise-{exercise.id}")
        assert _check_output(cell).startswith("Passed: "), (exercise.id, cell.outputs)

"""Helpers for testing lesson content: read a part, run it in a real kernel, read its variables.

The generic tests (`test_all_parts.py`) glob `lessons_content/brains-decision-committee/*.md`,
so a part is covered as soon as its file lands. Part-specific tests (`test_partNN.py`) check
the numbers a part's prose quotes, using one of two runners. Both are cached for the session,
so every part runs at most once per runner however many tests read it.

`run_part_in_process(slug)` (fixture `part_run`)
    Runs the part's code cells in order, in one fresh namespace inside the test process, with
    matplotlib on the non-interactive Agg backend. Fast (no kernel start), so use it for number
    checks. Returns a `PartRun`:

    - `namespace`: every variable the cells defined, e.g. `run.namespace["gradient_gap"]`;
    - `stdout`: what each cell printed, keyed by cell id, e.g. `run.stdout["train-loop"]`;
    - `figures`: how many figures each cell showed with `plt.show()`, keyed by cell id.

    Example::

        def test_gradient_check_agrees(part_run):
            run = part_run("05-training")
            assert run.namespace["gradient_gap"] < 1e-7

`execute_part_in_kernel(slug)` (fixture `executed_part`)
    Converts the part with jupytext and executes it with nbclient in a fresh ipykernel, exactly
    as a learner's Jupyter would (figures come back as `image/png` outputs). Returns the
    executed `nbformat` notebook; `cell_seconds(cell)` gives a cell's run time from nbclient's
    timing metadata. Slower: the tests that use it are marked `kernel`.
"""

import ast
import contextlib
import functools
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import yaml

# LESSONS_DIR (the site's own setting name) points the tests at another copy of the content.
LESSONS_DIR = Path(
    os.environ.get("LESSONS_DIR", Path(__file__).resolve().parents[2] / "lessons_content")
)
TRACK_DIR = LESSONS_DIR / "brains-decision-committee"

FENCE = re.compile(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
DISPLAY_MATHS = re.compile(r"\$\$.*?\$\$", re.DOTALL)


def part_paths() -> list[Path]:
    """Every part file of the track, in order."""
    return sorted(TRACK_DIR.glob("*.md"))


def part_path(slug: str) -> Path:
    path = TRACK_DIR / f"{slug}.md"
    if not path.exists():
        raise FileNotFoundError(f"no lesson part {path}")
    return path


def split_front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter as a dict, and the Markdown body after it."""
    if not text.startswith("---\n"):
        raise ValueError("a part must start with a '---' front matter block")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + len("\n---\n") :]


def prose_of(body: str) -> str:
    """The body without fenced blocks (code cells, display-only code, diagrams) and $$ maths."""
    return DISPLAY_MATHS.sub("", FENCE.sub("", body))


def prose_word_count(body: str) -> int:
    """Words a learner reads: whitespace-separated tokens with a letter or digit, outside fences."""
    return sum(1 for token in prose_of(body).split() if re.search(r"[A-Za-z0-9]", token))


def read_notebook(slug: str):
    """The part as an nbformat notebook, the way Jupyter reads it."""
    import jupytext

    return jupytext.read(part_path(slug))


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules a piece of code imports."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    return modules


# ---- running a part inside the test process -------------------------------------------


@dataclass
class PartRun:
    namespace: dict
    stdout: dict[str, str] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)


@functools.cache
def run_part_in_process(slug: str) -> PartRun:
    """Run every code cell of a part in one fresh namespace; see the module docstring."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    run = PartRun(namespace={"__name__": "__lesson__"})
    shown = []

    def show(*args, **kwargs):
        # Count the open figures as "shown", then close them, as the inline backend does.
        shown.append(len(plt.get_fignums()))
        plt.close("all")

    original_show = plt.show
    plt.show = show
    try:
        with matplotlib.rc_context(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for cell in code_cells(read_notebook(slug)):
                cell_id = cell.metadata.get("id", "")
                shown.clear()
                buffer = io.StringIO()
                with contextlib.redirect_stdout(buffer):
                    exec(compile(cell.source, f"<{slug}:{cell_id}>", "exec"), run.namespace)  # noqa: S102
                plt.close("all")
                run.stdout[cell_id] = buffer.getvalue()
                run.figures[cell_id] = sum(shown)
    finally:
        plt.show = original_show
    return run


# ---- running a part in a real Jupyter kernel -----------------------------------------------


@functools.cache
def execute_part_in_kernel(slug: str):
    """Execute the part in a fresh ipykernel with nbclient; return the executed notebook."""
    import nbclient

    notebook = read_notebook(slug)
    # The kernel picks its own inline backend (and so returns PNGs) unless told otherwise.
    kernel_env = {name: value for name, value in os.environ.items() if name != "MPLBACKEND"}
    with tempfile.TemporaryDirectory() as workdir:
        client = nbclient.NotebookClient(
            notebook,
            timeout=120,
            kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
            record_timing=True,
            allow_errors=True,  # record every failing cell instead of stopping at the first
            resources={"metadata": {"path": workdir}},
        )
        client.execute(env=kernel_env)
    return notebook


def cell_seconds(cell) -> float:
    """How long a code cell took to run, from nbclient's timing metadata."""
    timing = cell.metadata["execution"]
    started = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    finished = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (finished - started).total_seconds()


def error_outputs(notebook) -> list[str]:
    """'cell-id: ErrorName: message' for every cell that raised."""
    errors = []
    for cell in code_cells(notebook):
        for output in cell.outputs:
            if output.output_type == "error":
                errors.append(f"{cell.metadata.get('id')}: {output.ename}: {output.evalue}")
    return errors


def png_count(notebook) -> int:
    """How many figures the executed notebook shows."""
    return sum(
        1
        for cell in code_cells(notebook)
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    )


@pytest.fixture
def part_run():
    """`part_run(slug)` -> PartRun of the part's cells run in-process (cached per session)."""
    return run_part_in_process


@pytest.fixture
def executed_part():
    """`executed_part(slug)` -> the part executed in a real kernel (cached per session)."""
    return execute_part_in_kernel

"""Run one lesson part's code cells in a fresh namespace, the way a notebook kernel would.

The part-specific tests (test_part06.py … test_part10.py) use this to check the numbers the
lessons print and the prose relies on. Figures are drawn off screen (Agg) and fully rendered, so
a figure that cannot be drawn fails the test; the text on each figure is kept for assertions.
"""

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: draw off screen

import matplotlib.pyplot as plt
from matplotlib.text import Text

TRACK_DIR = Path(__file__).resolve().parents[2] / "lessons_content" / "brains-decision-committee"


@dataclass
class PartRun:
    namespace: dict
    stdout: dict[str, str] = field(default_factory=dict)  # cell id -> what it printed
    figures: dict[str, list[list[str]]] = field(default_factory=dict)  # cell id -> texts per figure


def lesson_text(slug: str) -> str:
    """The raw source of a part."""
    return (TRACK_DIR / f"{slug}.md").read_text()


def code_cells(slug: str) -> list[tuple[str, str]]:
    """(id, source) of every runnable cell of a part, in order."""
    notebook = jupytext.read(TRACK_DIR / f"{slug}.md")
    return [
        (cell.metadata["id"], cell.source) for cell in notebook.cells if cell.cell_type == "code"
    ]


def _figure_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def run_part(slug: str, *, variables: dict | None = None, only: set[str] | None = None) -> PartRun:
    """Execute the part's cells top to bottom (or just `only` these ids) in one namespace.

    `variables` are defined before the first cell, as the site does for LEARNER_NAME.
    """
    run = PartRun(namespace={"__name__": "__main__", **(variables or {})})
    shown: list = []

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            figure = plt.figure(number)
            figure.savefig(io.BytesIO(), format="png")  # render fully: drawing errors surface here
            shown.append(_figure_texts(figure))
        plt.close("all")

    original_show = plt.show
    plt.show = show
    try:
        for cell_id, source in code_cells(slug):
            if only is not None and cell_id not in only:
                continue
            shown.clear()
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                # Lesson cells are trusted project content, run like a notebook kernel runs them.
                exec(compile(source, f"{slug}:{cell_id}", "exec"), run.namespace)  # noqa: S102
            plt.close("all")
            run.stdout[cell_id] = printed.getvalue()
            run.figures[cell_id] = list(shown)
    finally:
        plt.show = original_show
    return run

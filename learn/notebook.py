"""A part as a Jupyter notebook (nbformat 4): prose as Markdown cells, runnable cells as code
cells carrying the same ids as the page and the run endpoint. Display-only code stays a fenced
block inside the Markdown, so Jupyter shows it without running it.

Each exercise becomes a Markdown cell with its title, a code cell with the starter and a last
line `check("<id>")`, and its hints and solution in collapsed `<details>`. The setup cell
defines `check()` from learn/checklib.py's source and the part's checks, so it works offline
in plain Jupyter and Colab with nothing to install.
"""

import json
import re

import nbformat
from django.conf import settings
from django.urls import reverse

from .content import PART_LINK, Cell, Exercise, Part, Prose
from .sandbox import checklib_source

LINK_TARGET = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def _absolute_links(text: str, part: Part) -> str:
    """Links to other parts point at the site, which works in Jupyter, Colab and GitHub."""

    def replace(match: re.Match) -> str:
        target = match["target"]
        slug, anchor = None, None
        if target.startswith("#") and target[1:2].isdigit():
            slug, anchor = part.slug, target[1:]
        elif (link := PART_LINK.match(target)) is not None:
            slug, anchor = link["slug"], link["anchor"]
        if slug is None:
            return match.group(0)
        url = settings.SITE_URL + reverse("learn:lesson", args=[part.track, slug])
        return f"]({url}{f'#s-{anchor}' if anchor else ''})"

    return LINK_TARGET.sub(replace, text)


def _markdown_cell(lines: list[str]):
    return nbformat.v4.new_markdown_cell("\n\n".join(lines))


CHECKER = """

# Exercise checks: check("<id>") tests your answer in this notebook (offline, nothing to install).
def _agenticworks_checker(library_source, checks, successes):
    library = {"__name__": "agenticworks_checklib"}
    exec(library_source, library)
    learner = globals()

    def check(exercise_id):
        \"\"\"Check your answer to one exercise of this notebook and print the verdict.\"\"\"
        if exercise_id not in checks:
            print(f"There is no exercise {exercise_id!r} in this notebook.")
            return
        try:
            message = library["run_check"](checks[exercise_id], learner)
        except Exception as exc:
            print(f"The checker itself failed ({type(exc).__name__}): our bug, not yours.")
            return
        if message is None:
            print("Passed: " + successes[exercise_id])
        else:
            print("Not yet: " + message)

    return check


check = _agenticworks_checker(
    LIBRARY,
    CHECKS,
    SUCCESSES,
)
del _agenticworks_checker
"""


def checker_source(part: Part) -> str:
    """Python that defines `check()` for the part's exercises (appended to the setup cell)."""
    checks = {e.id: e.check for e in part.exercises}
    successes = {e.id: e.success or "your answer is right." for e in part.exercises}
    return (
        CHECKER.replace("LIBRARY,", repr(checklib_source()) + ",")
        .replace("CHECKS,", json.dumps(checks, indent=1, ensure_ascii=False) + ",")
        .replace("SUCCESSES,", json.dumps(successes, indent=1, ensure_ascii=False) + ",")
    )


def exercise_code(exercise: Exercise, code: str | None = None) -> str:
    """An exercise's code cell: the starter (or `code`) and a last line that checks it."""
    return f'{(exercise.starter if code is None else code).rstrip()}\n\ncheck("{exercise.id}")'


def _exercise_cells(exercise: Exercise) -> list:
    title = nbformat.v4.new_markdown_cell(f"### Exercise {exercise.number}: {exercise.title}")
    code = nbformat.v4.new_code_cell(
        exercise_code(exercise),
        id=f"exercise-{exercise.id}",
        metadata={"agenticworks": {"exercise": exercise.id}},
    )
    hints = [
        f"<details><summary>Hint {n}</summary>\n\n{hint}\n\n</details>"
        for n, hint in enumerate(exercise.hints, start=1)
    ]
    solution = (
        "<details><summary>Solution</summary>\n\n"
        f"```python\n{exercise.solution.rstrip()}\n```\n\n</details>"
    )
    return [title, code, nbformat.v4.new_markdown_cell("\n\n".join([*hints, solution]))]


def _add_checker(cells: list, part: Part) -> None:
    if not part.exercises:
        return
    setup = next((c for c in cells if "setup" in c.metadata.get("tags", [])), None)
    if setup is None:
        setup = nbformat.v4.new_code_cell("", id="exercise-checker", metadata={"tags": ["setup"]})
        cells.insert(0, setup)
    setup.source = (setup.source.rstrip() + checker_source(part)).lstrip()


def build_notebook(part: Part) -> nbformat.NotebookNode:
    """The notebook for one part."""
    cells = []
    pending = [f"# {part.title}", f"*{part.kicker} · {part.meta}*\n\n{part.summary}"]

    def add(blocks: list) -> None:
        for block in blocks:
            if isinstance(block, Prose):
                pending.append(_absolute_links(block.text, part))
            elif isinstance(block, Cell):
                if pending:
                    cells.append(_markdown_cell(pending))
                    pending.clear()
                metadata = {"tags": list(block.tags)} if block.tags else {}
                cells.append(
                    nbformat.v4.new_code_cell(block.source, id=block.id, metadata=metadata)
                )
            elif isinstance(block, Exercise):
                if pending:
                    cells.append(_markdown_cell(pending))
                    pending.clear()
                cells.extend(_exercise_cells(block))

    add(part.intro)
    for section in part.sections:
        pending.append(f"## {section.number} {section.title}")
        add(section.blocks)
    if pending:
        cells.append(_markdown_cell(pending))
    _add_checker(cells, part)
    # Markdown cells get ids that cannot collide with the lesson's own ("md-" + position).
    for position, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            cell["id"] = f"md-{position:03d}"
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "agenticworks": {"track": part.track, "part": part.slug},
        },
    )


def notebook_json(part: Part) -> str:
    """The notebook as the text of an .ipynb file."""
    return nbformat.writes(build_notebook(part))


def colab_url(part: Part, repo: str | None = None) -> str | None:
    """Colab's address for the exported notebook on GitHub, when COLAB_GITHUB_REPO (or `repo`)
    is set (owner/repo/branch[/folder]; `manage.py lessons export` writes the folder)."""
    repo = (settings.COLAB_GITHUB_REPO if repo is None else repo).strip("/")
    pieces = repo.split("/")
    if len(pieces) < 3:
        return None
    owner, name, branch, *folder = pieces
    path = "/".join([*folder, part.track, f"{part.slug}.ipynb"])
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{path}"


__all__ = ["build_notebook", "colab_url", "notebook_json"]

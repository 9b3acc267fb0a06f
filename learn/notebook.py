"""A part as a Jupyter notebook (nbformat 4): prose as Markdown cells, runnable cells as code
cells carrying the same ids as the page and the run endpoint. Display-only code stays a fenced
block inside the Markdown, so Jupyter shows it without running it."""

import re

import nbformat
from django.conf import settings
from django.urls import reverse

from .content import PART_LINK, Cell, Part, Prose

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

    add(part.intro)
    for section in part.sections:
        pending.append(f"## {section.number} {section.title}")
        add(section.blocks)
    if pending:
        cells.append(_markdown_cell(pending))
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

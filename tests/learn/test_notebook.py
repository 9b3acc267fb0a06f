"""The part as a Jupyter notebook: valid nbformat 4, same cell ids, runs top to bottom."""

import nbformat
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learn import content
from learn.notebook import build_notebook, colab_url

from .conftest import CONTENT, TRACK, lesson_url


def download(client, part):
    response = client.get(lesson_url(part, "notebook.ipynb"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{part}.ipynb"'
    return nbformat.reads(response.content.decode(), as_version=4)


@pytest.mark.django_db
@pytest.mark.parametrize("part", ["01-grids", "02-neuron", "03-voting"])
def test_download_is_a_valid_notebook_with_the_lesson_ids(visitor, part):
    notebook = download(visitor, part)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    code = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "agenticworks" not in cell.metadata
    ]
    lesson = content.library(CONTENT).part(TRACK, part)
    assert [cell.id for cell in code] == [c.id for c in lesson.cells]
    for cell, lesson_cell in zip(code, lesson.cells, strict=True):
        # With exercises, the setup cell also defines check().
        assert cell.source.startswith(lesson_cell.source)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.django_db
def test_prose_and_display_only_code_are_markdown(visitor, settings):
    settings.SITE_URL = "https://agw.example"
    notebook = download(visitor, "02-neuron")
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert markdown.startswith("# One committee member")
    assert "## 2.2 How frameworks write it" in markdown
    assert "```python\nimport torch\n\nlayer = torch.nn.Linear(9, 1)\n```" in markdown
    assert not any("torch" in c.source for c in notebook.cells if c.cell_type == "code")
    # Links to parts point at the site, which works in Jupyter and Colab alike.
    assert f"[Part 1](https://agw.example/learn/{TRACK}/01-grids/)" in markdown
    assert f"[the weights](https://agw.example/learn/{TRACK}/02-neuron/#s-2-1)" in markdown
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert first_code.metadata.tags == ["setup"]


def test_colab_url(settings):
    part = content.library(CONTENT).part(TRACK, "01-grids")
    settings.COLAB_GITHUB_REPO = ""
    assert colab_url(part) is None
    settings.COLAB_GITHUB_REPO = "owner/repo/main"
    assert colab_url(part) == (
        f"https://colab.research.google.com/github/owner/repo/blob/main/{TRACK}/01-grids.ipynb"
    )


def test_lessons_export_writes_every_part(tmp_path, capsys):
    call_command("lessons", "export", "--out", str(tmp_path))
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb"))
    assert written == [
        f"{TRACK}/01-grids.ipynb",
        f"{TRACK}/02-neuron.ipynb",
        f"{TRACK}/03-voting.ipynb",
    ]
    nbformat.validate(nbformat.read(tmp_path / TRACK / "01-grids.ipynb", as_version=4))
    assert "Wrote 3 notebook(s)" in capsys.readouterr().out


def test_export_for_colab_writes_the_layout_colabs_github_opener_reads(tmp_path, capsys, settings):
    call_command("lessons", "export", "--out", str(tmp_path), "--colab", "ada/notebooks/main")
    index = (tmp_path / "README.md").read_text()
    url = f"https://colab.research.google.com/github/ada/notebooks/blob/main/{TRACK}/01-grids.ipynb"
    assert f"- [Grids of numbers]({url})" in index
    assert (tmp_path / TRACK / "01-grids.ipynb").exists()  # where that link points
    out = capsys.readouterr().out
    assert "set COLAB_GITHUB_REPO=ada/notebooks/main on the site" in out
    # With that setting the lesson page's button is the same link.
    settings.COLAB_GITHUB_REPO = "ada/notebooks/main"
    from learn.content import library
    from learn.notebook import colab_url

    assert colab_url(library().part(TRACK, "01-grids")) == url


def test_export_for_colab_refuses_a_malformed_repository(tmp_path):
    with pytest.raises(CommandError, match="OWNER/REPO/BRANCH"):
        call_command("lessons", "export", "--out", str(tmp_path), "--colab", "ada/notebooks")


@pytest.mark.kernel
@pytest.mark.parametrize("part", ["01-grids", "02-neuron", "03-voting"])
def test_notebook_runs_top_to_bottom_in_a_jupyter_kernel(part, monkeypatch, tmp_path):
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    notebook = build_notebook(content.library(CONTENT).part(TRACK, part))
    NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [o for o in outputs if o.output_type == "error"]
    if part == "03-voting":
        assert any(o.get("data", {}).get("text/plain") == "array([0, 1, 1])" for o in outputs)
        assert outputs[-1].text == "threshold = 0.5\n"  # the controls' cell, with its values
    if part == "01-grids":
        assert outputs[-1].data["text/plain"] == "1.0"  # the two lines share the centre pixel
    if part == "02-neuron":
        assert any("image/png" in o.get("data", {}) for o in outputs)

"""Live controls on the server side: specs on the page, notices for bad lines, file:line checks,
and notebooks that keep every `# @param` line byte for byte (so Colab shows its own form)."""

import json
import re
from html import unescape

import nbformat
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from learn import content
from learn.notebook import notebook_json

from .conftest import CONTENT, TRACK, lesson_url

pytestmark = pytest.mark.django_db
SLIDER = 'threshold = 0.5  # @param {type:"slider", min:-2, max:2, step:0.25}'


def cell_html(html: str, cell_id: str) -> str:
    start = html.index(f'id="cell-{cell_id}"')
    return html[start : html.index("data-cell-output", start)]


def specs(block: str) -> dict:
    return json.loads(unescape(re.search(r'data-controls="([^"]*)"', block)[1]))


def test_cell_with_params_gets_its_controls_on_the_page(visitor, django_assert_num_queries):
    visitor.get(lesson_url("03-voting"))  # warm the lesson cache
    with django_assert_num_queries(1):  # the part's forum topics, as for any lesson page
        response = visitor.get(lesson_url("03-voting"))
    html = response.content.decode()
    block = cell_html(html, "threshold")
    form = specs(block)
    assert [(c["name"], c["type"], c["value"]) for c in form["controls"]] == [
        ("threshold", "slider", 0.5),
        ("caption", "string", "votes"),
    ]
    assert (
        form["controls"][0] | {"line": 2, "min": -2, "max": 2, "step": 0.25}
        == (form["controls"][0])
    )
    assert '<p class="controls-title">Where the step switches on</p>' in block
    assert "controls-notices" not in block
    assert "data-cell-controls" not in cell_html(html, "votes")  # no @param, no controls


def test_lab_page_has_the_same_controls(visitor):
    html = visitor.get(lesson_url("03-voting", "lab/")).content.decode()
    assert specs(cell_html(html, "threshold"))["controls"][0]["name"] == "threshold"


def _break(lessons_copy, new_line: str) -> int:
    path = lessons_copy / TRACK / "03-voting.md"
    text = path.read_text()
    line = text.split("\n").index(SLIDER) + 1
    path.write_text(text.replace(SLIDER, new_line))
    return line


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ('threshold = 0.5  # @param {type:"slider", min:-2, max:2', "expected }"),
        (
            'threshold = 0.5  # @param {type:"slider", min:2, max:-2}',
            "min 2 is greater than max -2",
        ),
        ('threshold = 9  # @param {type:"slider", min:-2, max:2}', "above the maximum 2"),
        ('threshold = 0.5  # @param {type:"knob"}', 'unknown type "knob"'),
    ],
)
def test_malformed_param_line_is_a_notice_and_a_check_error(visitor, lessons_copy, bad, words):
    line = _break(lessons_copy, bad)
    errors = [str(error) for error in content.check(lessons_copy)]
    assert len(errors) == 1, errors
    assert f"03-voting.md:{line}: # @param: threshold: " in errors[0]
    assert words in errors[0]
    response = visitor.get(lesson_url("03-voting"))
    assert response.status_code == 200  # the part still loads; the line is plain code
    block = cell_html(response.content.decode(), "threshold")
    assert "Line 2 is shown as plain code" in block
    assert words.replace('"', "&quot;") in block
    assert [c["name"] for c in specs(block)["controls"]] == ["caption"]


def test_lessons_check_names_the_file_and_line(lessons_copy, capsys):
    line = _break(lessons_copy, 'threshold = 0.5  # @param {type:"knob"}')
    with pytest.raises(CommandError, match="1 error"):
        call_command("lessons", "check")
    assert f"03-voting.md:{line}: # @param: threshold: unknown type" in capsys.readouterr().err


def test_check_line_counts_blank_lines_and_options_before_the_code(lessons_copy):
    path = lessons_copy / TRACK / "03-voting.md"
    text = path.read_text().replace(":id: threshold\n\n", ":id: threshold\n:tags: [demo]\n\n\n")
    path.write_text(text.replace("min:-2, max:2,", "min:2, max:-2,"))
    line = text.split("\n").index(SLIDER) + 1
    assert [e.line for e in content.check(lessons_copy)] == [line]


def _param_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if "@param" in line or "@title" in line]


def test_export_keeps_param_lines_byte_for_byte(visitor):
    response = visitor.get(lesson_url("03-voting", "notebook.ipynb"))
    notebook = nbformat.reads(response.content.decode(), as_version=4)
    cell = next(c for c in notebook.cells if c.get("id") == "threshold")
    part = content.library(CONTENT).part(TRACK, "03-voting")
    assert cell.source == part.cell_map["threshold"].source
    assert SLIDER in cell.source.split("\n")
    assert _param_lines(cell.source) == _param_lines(part.cell_map["threshold"].source)


def test_export_of_every_real_part_keeps_its_param_lines():
    library = content.library(settings.BASE_DIR / "lessons_content")
    parts = [part for track in library.tracks for part in track.parts]
    assert parts
    for part in parts:
        notebook = nbformat.reads(notebook_json(part), as_version=4)
        exported = [
            line for c in notebook.cells if c.cell_type == "code" for line in _param_lines(c.source)
        ]
        written = [line for c in part.cells for line in _param_lines(c.source)]
        assert exported == written, part.slug
        on_disk = _param_lines(part.path.read_text(encoding="utf-8"))
        assert set(exported) <= set(on_disk), part.slug

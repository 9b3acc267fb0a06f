"""Loading and checking lesson files: every content error names its file and line."""

import os
import textwrap

import jupytext
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learn import content

from .conftest import CONTENT, TRACK

PART = textwrap.dedent(
    """\
    ---
    jupytext:
      formats: md:myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    lesson:
      part: 4
      slug: 04-extra
      sidebar_title: Extra
      kicker: One more
      title: An extra part
      summary: Written by the tests.
      minutes: 10
      level: beginner
      cards:
        - label: X
          kind: concept
          heading: A card
          text: Some text.
    ---

    Intro.

    ## 4.1 First

    ```{code-cell} ipython3
    :id: first

    x = 1
    ```

    See [the grids](01-grids.md#1-2).

    ## 4.2 Second

    ```{code-cell} ipython3
    :id: second

    x + 1
    ```
    """
)
# Line numbers in PART: 8 "lesson:", 9 "part: 4", 15 "minutes", 26 "## 4.1", 28 first cell,
# 34 the link, 36 "## 4.2", 38 second cell.


def write_part(root, text, name="04-extra.md"):
    path = root / TRACK / name
    path.write_text(text)
    return path


def errors_for(root):
    return [str(error) for error in content.check(root)]


def test_fixture_track_loads_without_errors():
    loaded = content.library(CONTENT)
    assert content.check(CONTENT) == []
    track = loaded.track(TRACK)
    assert [part.slug for part in track.parts] == ["01-grids", "02-neuron", "03-voting"]
    grids = track.get("01-grids")
    assert [s.number for s in grids.sections] == ["1.1", "1.2"]
    assert [(c.id, c.label) for c in grids.cells] == [
        ("setup", "cell 001"),
        ("make-lines", "cell 002"),
        ("agreement", "cell 003"),
    ]
    # The setup cell before the first section counts towards that section.
    assert grids.section_cells["1.1"] == {"setup", "make-lines"}
    assert grids.cards[0].heading == "Pixels as numbers"


def test_a_valid_extra_part_loads(lessons_copy):
    write_part(lessons_copy, PART)
    assert errors_for(lessons_copy) == []
    part = content.library(lessons_copy).part(TRACK, "04-extra")
    assert part.title == "An extra part"
    assert part.section_cells == {"4.1": {"first"}, "4.2": {"second"}}


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "  level: beginner\n",
            "  level: beginner\n  colour: blue\n",
            17,
            "unknown key 'lesson.colour'",
        ),
        ("  minutes: 10\n", "", 8, "missing 'lesson.minutes'"),
        ("  minutes: 10\n", "  minutes: ten\n", 15, "'lesson.minutes' must be a whole number"),
        ("  level: beginner\n", "  level: expert\n", 16, "'lesson.level' must be one of"),
        ("  slug: 04-extra\n", "  slug: 04-other\n", 10, "must match"),
        ("      text: Some text.\n", "", 18, "'lesson.cards[0].text' is missing"),
        (
            "      kind: concept\n",
            "      kind: concept\n      colour: red\n",
            20,
            "unknown key 'lesson.cards[0].colour'",
        ),
        ("  title: An extra part\n", "  title: [unclosed\n", 14, "not valid YAML"),
        (":id: second\n", ":id: first\n", 38, "duplicate cell id 'first' (first used on line 28)"),
        (":id: second\n", "", 38, "code cell has no ':id:' option"),
        (":id: second\n", ":id: Second_Cell\n", 38, "cell id 'Second_Cell' must be lowercase"),
        (":id: second\n", ":id: second\n:hide: true\n", 38, "unknown cell option"),
        ("01-grids.md#1-2", "07-missing.md", 34, "link to a missing part: '07-missing.md'"),
        ("01-grids.md#1-2", "01-grids.md#1-9", 34, "link to a missing section: '01-grids.md#1-9'"),
        ("## 4.2 Second", "## 4.3 Second", 36, "section 4.3 is out of order: expected 4.2"),
        ("## 4.2 Second", "## Second", 36, "must be a numbered section"),
        ("Intro.\n", "# A title\n", 24, "no '#' headings"),
        ("x + 1\n```\n", "x + 1\n", 38, "never closed"),
        (
            "```{code-cell} ipython3\n:id: second",
            "```{note} ipython3\n:id: second",
            38,
            "unknown directive",
        ),
    ],
)
def test_check_reports_file_and_line(lessons_copy, old, new, line, message):
    assert old in PART
    write_part(lessons_copy, PART.replace(old, new, 1))
    errors = errors_for(lessons_copy)
    assert any(f"04-extra.md:{line}: " in error and message in error for error in errors), errors


def test_a_part_with_errors_is_left_out_and_the_rest_still_load(lessons_copy):
    write_part(lessons_copy, PART.replace("  minutes: 10\n", ""))
    loaded = content.library(lessons_copy)
    assert loaded.part(TRACK, "04-extra") is None
    assert loaded.part(TRACK, "01-grids") is not None


def test_duplicate_part_number(lessons_copy):
    write_part(lessons_copy, PART.replace("part: 4", "part: 3").replace("## 4.", "## 3."))
    errors = errors_for(lessons_copy)
    assert any("part 3 is also 03-voting.md" in error for error in errors), errors


def test_track_toml_errors(lessons_copy):
    (lessons_copy / TRACK / "track.toml").write_text('title = "T"\ncolour = "red"\n')
    errors = errors_for(lessons_copy)
    assert any("track.toml:2: unknown key 'colour'" in e for e in errors), errors
    assert any("track.toml:1: missing 'kicker'" in e for e in errors), errors


def test_a_folder_with_fewer_parts_still_loads(lessons_copy):
    (lessons_copy / TRACK / "02-neuron.md").unlink()
    errors = errors_for(lessons_copy)
    # 01 links to 02: the link is reported, the other parts load.
    assert errors == [
        f"{lessons_copy / TRACK / '01-grids.md'}:82: link to a missing part: '02-neuron.md#2-1'"
    ]
    assert [p.slug for p in content.library(lessons_copy).track(TRACK).parts] == [
        "01-grids",
        "03-voting",
    ]


def test_changed_file_is_reloaded(lessons_copy):
    before = content.library(lessons_copy).part(TRACK, "03-voting")
    assert content.library(lessons_copy).part(TRACK, "03-voting") is before  # cached
    path = lessons_copy / TRACK / "03-voting.md"
    path.write_text(path.read_text().replace("title: From a sum to a vote", "title: Votes"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = content.library(lessons_copy).part(TRACK, "03-voting")
    assert after is not before
    assert after.title == "Votes"


def test_lessons_check_command(capsys):
    call_command("lessons", "check")
    assert "Lessons OK: 1 track(s), 3 part(s)" in capsys.readouterr().out


def test_lessons_check_command_fails_with_messages(lessons_copy, capsys):
    write_part(lessons_copy, PART.replace(":id: second\n", ":id: first\n"))
    with pytest.raises(CommandError, match="1 error"):
        call_command("lessons", "check")
    assert "04-extra.md:38: duplicate cell id 'first'" in capsys.readouterr().err


def test_start_up_check_warns_about_broken_files(lessons_copy):
    from learn.checks import lesson_files

    write_part(lessons_copy, PART.replace("## 4.2 Second", "## Second"))
    warnings = lesson_files()
    assert [w.id for w in warnings] == ["learn.W001"]
    assert "04-extra.md:36:" in warnings[0].msg


@pytest.mark.parametrize("slug", ["01-grids", "02-neuron", "03-voting"])
def test_jupytext_reads_the_same_code_cells(slug):
    path = CONTENT / TRACK / f"{slug}.md"
    notebook = jupytext.read(path, fmt="md:myst")
    theirs = [
        (cell.metadata.get("id"), cell.source.rstrip("\n"))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    part = content.library(CONTENT).part(TRACK, slug)
    assert theirs == [(cell.id, cell.source) for cell in part.cells]

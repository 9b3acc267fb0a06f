"""Every lesson part meets the course's minimums and runs top to bottom in a fresh kernel.

Parametrized over the part files present, so parts are covered as soon as they land.
"""

import re
import sys

import pytest

from learn.catalog import parts as catalog_parts
from tests.content.conftest import (
    code_cells,
    error_outputs,
    execute_part_in_kernel,
    imported_modules,
    part_paths,
    png_count,
    prose_of,
    prose_word_count,
    read_notebook,
    split_front_matter,
)

# From SYLLABUS.md: number of sections, minutes and level of every part.
SYLLABUS = {
    1: {"sections": 5, "minutes": 30, "level": "beginner"},
    2: {"sections": 5, "minutes": 30, "level": "beginner"},
    3: {"sections": 4, "minutes": 35, "level": "beginner"},
    4: {"sections": 4, "minutes": 30, "level": "beginner"},
    5: {"sections": 5, "minutes": 45, "level": "beginner"},
    6: {"sections": 5, "minutes": 35, "level": "beginner"},
    7: {"sections": 5, "minutes": 40, "level": "intermediate"},
    8: {"sections": 5, "minutes": 40, "level": "intermediate"},
    9: {"sections": 6, "minutes": 50, "level": "intermediate"},
    10: {"sections": 6, "minutes": 35, "level": "beginner"},
}
# Front matter values the syllabus and the product fix word for word.
FIXED_VALUES = {
    1: {"kicker": "Reading images as numbers"},
    10: {
        "kicker": "Future paths",
        "title": "Where the road leads",
        "summary": "Connect the from-scratch model to CNNs, RNNs, Transformers, frameworks, "
        "and projects to build next.",
    },
}
LESSON_KEYS = {
    "part", "slug", "sidebar_title", "kicker", "title", "summary", "minutes", "level", "cards",
}  # fmt: skip
CARD_KEYS = {"label", "kind", "heading", "text"}
CELL_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
ALLOWED_THIRD_PARTY = {"numpy", "matplotlib"}

PARTS = part_paths()
SLUGS = [path.stem for path in PARTS]


def test_the_track_has_parts():
    assert SLUGS, "no lesson parts found"


def lesson(slug):
    text = next(path for path in PARTS if path.stem == slug).read_text(encoding="utf-8")
    front_matter, body = split_front_matter(text)
    return front_matter, body


def number_of(slug):
    return int(slug.split("-", 1)[0])


@pytest.mark.parametrize("slug", SLUGS)
def test_front_matter_matches_the_syllabus_and_catalog(slug):
    front_matter, _ = lesson(slug)
    assert front_matter["kernelspec"]["name"] == "python3"
    assert front_matter["jupytext"]["text_representation"]["format_name"] == "myst"
    meta = front_matter["lesson"]
    assert set(meta) == LESSON_KEYS
    part = number_of(slug)
    assert meta["part"] == part
    assert meta["slug"] == slug
    catalog_entry = next(entry for entry in catalog_parts() if entry.number == part)
    assert (catalog_entry.slug, catalog_entry.title) == (slug, meta["sidebar_title"])
    assert meta["minutes"] == SYLLABUS[part]["minutes"]
    assert meta["level"] == SYLLABUS[part]["level"]
    for key in ("kicker", "title", "summary"):
        assert isinstance(meta[key], str), key
        assert meta[key].strip(), key
    for key, value in FIXED_VALUES.get(part, {}).items():
        assert meta[key] == value


@pytest.mark.parametrize("slug", SLUGS)
def test_two_to_four_complete_cards(slug):
    cards = lesson(slug)[0]["lesson"]["cards"]
    assert 2 <= len(cards) <= 4
    for card in cards:
        assert set(card) == CARD_KEYS
        assert all(isinstance(value, str) and value.strip() for value in card.values()), card


@pytest.mark.parametrize("slug", SLUGS)
def test_sections_are_exactly_the_syllabus_sections(slug):
    _, body = lesson(slug)
    part = number_of(slug)
    # `##` headings outside fenced code: every one must be a numbered section, in order.
    headings = re.findall(r"^## (.*)$", prose_of(body), flags=re.MULTILINE)
    numbers = [heading.split(" ", 1)[0] for heading in headings]
    expected = [f"{part}.{n}" for n in range(1, SYLLABUS[part]["sections"] + 1)]
    assert numbers == expected
    assert all(len(heading.split(" ", 1)) == 2 for heading in headings), "a section needs a title"
    assert not re.search(r"^# ", prose_of(body), flags=re.MULTILINE), "no '#' title in the body"


@pytest.mark.parametrize("slug", SLUGS)
def test_prose_length_is_within_bounds(slug):
    words = prose_word_count(lesson(slug)[1])
    assert 1800 <= words <= 4000, f"{words} words of prose"


@pytest.mark.parametrize("slug", SLUGS)
def test_runnable_cells_have_unique_ids_and_a_setup_cell_first(slug):
    cells = code_cells(read_notebook(slug))
    minimum = 6 if number_of(slug) == 10 else 8
    assert len(cells) >= minimum
    ids = [cell.metadata.get("id") for cell in cells]
    assert all(isinstance(cell_id, str) and CELL_ID.fullmatch(cell_id) for cell_id in ids), ids
    assert all(len(cell_id) <= 40 for cell_id in ids)
    assert len(set(ids)) == len(ids), "cell ids must be unique within a part"
    assert "setup" in cells[0].metadata.get("tags", [])


@pytest.mark.parametrize("slug", SLUGS)
def test_runnable_code_needs_only_numpy_and_matplotlib(slug):
    for cell in code_cells(read_notebook(slug)):
        modules = imported_modules(cell.source)  # also proves every cell is plain Python
        outside = modules - ALLOWED_THIRD_PARTY - set(sys.stdlib_module_names)
        assert not outside, f"{cell.metadata.get('id')} imports {outside}"


@pytest.mark.kernel
@pytest.mark.parametrize("slug", SLUGS)
def test_part_runs_top_to_bottom_in_a_fresh_kernel(slug):
    notebook = execute_part_in_kernel(slug)
    assert error_outputs(notebook) == []


@pytest.mark.kernel
@pytest.mark.parametrize("slug", SLUGS)
def test_part_shows_at_least_three_figures(slug):
    assert png_count(execute_part_in_kernel(slug)) >= 3

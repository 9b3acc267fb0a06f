"""The parts of the tracks, for other apps that link to a lesson (forum topics, projects).

Backed by the loaded lesson files (`learn.content`); the signatures are the contract. A part
whose file is missing or has errors is not listed.
"""

import re
from dataclasses import dataclass

from django.urls import reverse

from .content import library

TRACK_SLUG = "brains-decision-committee"


@dataclass(frozen=True)
class PartRef:
    track: str
    slug: str
    number: int
    title: str

    @property
    def key(self) -> str:
        """'track/part', the value other apps store to point at a part."""
        return f"{self.track}/{self.slug}"

    @property
    def label(self) -> str:
        return f"Part {self.number:02d} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("learn:lesson", args=[self.track, self.slug])


def parts() -> list[PartRef]:
    """Every part of every track, in order."""
    return [
        PartRef(track.slug, part.slug, part.number, part.sidebar_title)
        for track in library().tracks
        for part in track.parts
    ]


def get_part(key: str) -> PartRef | None:
    """The part stored as 'track/part', or None if there is no such part."""
    track, _, slug = (key or "").partition("/")
    part = library().part(track, slug)
    return PartRef(part.track, part.slug, part.number, part.sidebar_title) if part else None


def part_choices() -> list[tuple[str, str]]:
    """Choices for a form field that links to a lesson part."""
    return [(part.key, part.label) for part in parts()]


# Scratch cells of the lab page: ids the learner's browser makes up, run in the part's kernel.
SCRATCH_CELL = re.compile(r"scratch-[0-9]{1,4}")


def cell_ids(track: str, part: str) -> set[str] | None:
    """Ids of the runnable cells of a part, or None if there is no such part."""
    found = library().part(track, part)
    return None if found is None else set(found.cell_map)


def is_known_cell(track: str, part: str, cell_id: str) -> bool:
    """Whether the run endpoint may run this cell id for this part (a lesson cell, an
    exercise's code, or a scratch cell)."""
    found = library().part(track, part)
    if found is None:
        return False
    return (
        cell_id in found.cell_map
        or cell_id in found.exercise_map
        or SCRATCH_CELL.fullmatch(cell_id) is not None
    )


def cell_label(part_key: str, cell_id: str) -> str:
    """How the page names a cell: 'cell 003', 'exercise 2', 'a scratch cell' — never its id."""
    track, _, slug = (part_key or "").partition("/")
    found = library().part(track, slug)
    if found is not None and cell_id in found.cell_map:
        return found.cell_map[cell_id].label
    if found is not None and cell_id in found.exercise_map:
        return found.exercise_map[cell_id].label
    return "a scratch cell" if SCRATCH_CELL.fullmatch(cell_id or "") else "a lesson cell"

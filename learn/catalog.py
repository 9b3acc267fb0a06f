"""The parts of the tracks, for other apps that link to a lesson (forum topics, projects).

The lesson engine backs this with the loaded lesson files; the signatures are the contract.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

TRACK_SLUG = "brains-decision-committee"

# The ten part slugs are fixed by the public HTTP contract (SPEC section 9).
_PARTS = [
    (1, "01-the-first-neuron", "The first neuron"),
    (2, "02-a-single-neuron", "A single neuron"),
    (3, "03-activation-functions", "Activation functions"),
    (4, "04-the-perceptron", "The perceptron"),
    (5, "05-training", "Training"),
    (6, "06-evaluation", "Evaluation"),
    (7, "07-hidden-layers", "Hidden layers"),
    (8, "08-deep-learning-challenges", "Deep learning challenges"),
    (9, "09-full-implementation", "Full implementation"),
    (10, "10-whats-next", "What's next"),
]


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
    return [PartRef(TRACK_SLUG, slug, number, title) for number, slug, title in _PARTS]


def get_part(key: str) -> PartRef | None:
    """The part stored as 'track/part', or None if there is no such part."""
    return next((part for part in parts() if part.key == key), None)


def part_choices() -> list[tuple[str, str]]:
    """Choices for a form field that links to a lesson part."""
    return [(part.key, part.label) for part in parts()]


# Scratch cells of the lab page: ids the learner's browser makes up, run in the part's kernel.
SCRATCH_CELL = re.compile(r"scratch-[0-9]{1,4}")


def cell_ids(track: str, part: str) -> set[str] | None:
    """Ids of the runnable cells of a part, or None if there is no such part."""
    path = settings.LESSONS_DIR / track / f"{part}.md"
    if get_part(f"{track}/{part}") is None or not path.exists():
        return None
    return set(re.findall(r"^:id:\s*([a-z0-9][a-z0-9-]*)\s*$", path.read_text(), re.M))


def is_known_cell(track: str, part: str, cell_id: str) -> bool:
    """Whether the run endpoint may run this cell id for this part (a lesson or scratch cell)."""
    ids = cell_ids(track, part)
    return ids is not None and (cell_id in ids or SCRATCH_CELL.fullmatch(cell_id) is not None)

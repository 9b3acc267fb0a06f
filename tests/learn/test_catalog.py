"""learn.catalog: the contract other apps use to point at lesson parts."""

from learn import catalog

from .conftest import TRACK


def test_parts_in_order():
    assert [part.key for part in catalog.parts()] == [
        f"{TRACK}/01-grids",
        f"{TRACK}/02-neuron",
        f"{TRACK}/03-voting",
    ]


def test_get_part_and_choices():
    part = catalog.get_part(f"{TRACK}/02-neuron")
    assert part.number == 2
    assert part.label == "Part 02 · A neuron"
    assert part.get_absolute_url() == f"/learn/{TRACK}/02-neuron/"
    assert catalog.get_part(f"{TRACK}/99-missing") is None
    assert catalog.get_part("") is None
    assert catalog.part_choices()[0] == (f"{TRACK}/01-grids", "Part 01 · Grids of numbers")


def test_cell_ids_and_known_cells():
    assert catalog.cell_ids(TRACK, "03-voting") == {"setup", "votes", "threshold"}
    assert catalog.cell_ids(TRACK, "99-missing") is None
    assert catalog.is_known_cell(TRACK, "03-voting", "votes")
    assert catalog.is_known_cell(TRACK, "03-voting", "scratch-12")
    assert not catalog.is_known_cell(TRACK, "03-voting", "torch")
    assert not catalog.is_known_cell(TRACK, "99-missing", "scratch-1")

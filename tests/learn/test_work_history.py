"""The history a new kernel replays: what is kept, in which order, within which bounds."""

from learn.work_history import History, updated


def _ids(history: History) -> list[str]:
    return history.ids()


def _ran(history: History, cell: str, code: str = "x = 1", ok: bool = True) -> History:
    return updated(history, cell=cell, code=code, filename=f"<cell {cell}>", ok=ok)


def test_cells_are_kept_in_the_order_they_first_ran_with_their_latest_code():
    history = _ran(_ran(_ran(History(), "a"), "b"), "a", code="x = 2")
    assert _ids(history) == ["a", "b"]
    assert history.cells[0]["code"] == "x = 2"


def test_a_failed_run_drops_the_cell():
    history = _ran(_ran(History(), "a"), "b")
    assert _ids(_ran(history, "a", ok=False)) == ["b"]
    assert _ids(_ran(history, "c", ok=False)) == ["a", "b"]


def test_past_the_byte_bound_new_cells_are_not_kept(settings):
    settings.SANDBOX_HISTORY_BYTES = 10
    history = _ran(History(), "a", code="x = 1")
    history = _ran(history, "b", code="y = 22222")
    assert _ids(history) == ["a"]
    assert _ids(_ran(history, "a", code="x = " + "1" * 20)) == []  # an edit too big to keep


def test_past_the_cell_bound_new_cells_are_not_kept(settings):
    settings.SANDBOX_HISTORY_CELLS = 2
    history = History()
    for cell in "abc":
        history = _ran(history, cell)
    assert _ids(history) == ["a", "b"]

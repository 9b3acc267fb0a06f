"""A learner's work on a part, kept so a new kernel can replay it (SPEC section 10).

Per learner and part: the ordered cells that last ran successfully, each with the code that
ran (the learner's own edits, not the lesson's source) and the filename tracebacks use.
A cell that ran again keeps its place and takes the new code; a cell whose last run failed is
dropped. Bounded by SANDBOX_HISTORY_CELLS and SANDBOX_HISTORY_BYTES: past them new cells are
not kept (the earliest cells, which later ones build on, matter most).

Members: `RunHistory` rows. Visitors: their session (it dies with the session, as does their
kernel). `fresh` says the kernel was replaced after a limit, so the next run replays first.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest

from learn.models import RunHistory

SESSION_KEY = "run_history"


@dataclass
class History:
    cells: list[dict] = field(default_factory=list)  # [{"cell", "code", "filename"}, …]
    fresh: bool = False

    def ids(self) -> list[str]:
        return [entry["cell"] for entry in self.cells]


def _member(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def load(request: HttpRequest, track: str, part: str) -> History:
    """The learner's history for a part (empty if none)."""
    if _member(request):
        row = (
            RunHistory.objects.filter(user=request.user, track=track, part=part)
            .only("cells", "fresh")
            .first()
        )
        return History(list(row.cells), row.fresh) if row else History()
    stored = request.session.get(SESSION_KEY, {}).get(f"{track}/{part}")
    if not isinstance(stored, dict):
        return History()
    return History(list(stored.get("cells", [])), bool(stored.get("fresh")))


def save(request: HttpRequest, track: str, part: str, history: History) -> None:
    """Store a learner's history for a part (an empty one is deleted)."""
    if _member(request):
        if not history.cells:
            RunHistory.objects.filter(user=request.user, track=track, part=part).delete()
            return
        RunHistory.objects.update_or_create(
            user=request.user,
            track=track,
            part=part,
            defaults={"cells": history.cells, "fresh": history.fresh},
        )
        return
    stored = dict(request.session.get(SESSION_KEY, {}))
    if history.cells:
        stored[f"{track}/{part}"] = {"cells": history.cells, "fresh": history.fresh}
    else:
        stored.pop(f"{track}/{part}", None)
    request.session[SESSION_KEY] = stored


def clear(request: HttpRequest, track: str, part: str) -> None:
    """Forget the history (the learner restarted their kernel: it starts clean)."""
    save(request, track, part, History())


def _size(cells: list[dict]) -> int:
    return sum(len(entry["code"].encode()) for entry in cells)


def updated(history: History, *, cell: str, code: str, filename: str, ok: bool) -> History:
    """The history after a run of `cell`: kept (in place, or appended) if it succeeded and fits
    the bounds; dropped if it failed."""
    cells = [dict(entry) for entry in history.cells]
    position = next((i for i, entry in enumerate(cells) if entry["cell"] == cell), None)
    if not ok:
        if position is not None:
            del cells[position]
        return History(cells, history.fresh)
    entry = {"cell": cell, "code": code, "filename": filename}
    if position is not None:
        cells[position] = entry
    else:
        cells.append(entry)
    if len(cells) > settings.SANDBOX_HISTORY_CELLS or _size(cells) > settings.SANDBOX_HISTORY_BYTES:
        cells = [e for e in cells if e["cell"] != cell]  # too much to keep: not this one
    return History(cells, history.fresh)


def merge_visitor(request: HttpRequest) -> None:
    """After sign-in: a visitor's history becomes the member's for parts the member has none
    of (their first run as a member lands on a new kernel, which replays it)."""
    if not _member(request):
        return
    stored = request.session.pop(SESSION_KEY, None) or {}
    have = set(RunHistory.objects.filter(user=request.user).values_list("track", "part"))
    rows = []
    for key, value in stored.items():
        track, _, part = key.partition("/")
        if (track, part) in have or not isinstance(value, dict) or not value.get("cells"):
            continue
        rows.append(RunHistory(user=request.user, track=track, part=part, cells=value["cells"]))
    if rows:
        RunHistory.objects.bulk_create(rows, ignore_conflicts=True)

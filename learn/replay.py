"""Kernels keep a learner's work (SPEC section 10): replay after a lost kernel.

When a learner has history for a part (`learn.work_history`), a run asks the runner to hold it
if the kernel is new ("hold_if_new"). On "held", the cells of the history that come before the
asked one are replayed in order, with the learner's own code and no output shown, within
SANDBOX_REPLAY_SECONDS; cells that fail or hit a limit are dropped from the history. Then the
asked cell runs. Its answer carries `"replayed": [cell ids]` and `kernel.state: "restored"`;
while streaming, a {"t": "state", "state": "restoring"} event says which cells are replaying.

A kernel that a limit replaced, or whose host went away, is replayed the same way on the next
run. Restarting the kernel on purpose clears the history (`forget`).
"""

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest

from learn import address_limits, sandbox, work_history
from learn.content import library

GONE_WORDS = {
    "host-lost": "The machine that ran your kernel went away, so its variables were gone.",
    "": "Your previous kernel had stopped, so its variables were gone.",
}

# A kernel stopped for these reasons would stop again if its cells were replayed (a thread a
# cell started kept using CPU): its history is dropped instead.
NOT_REPLAYED = {"background", "crashed", "protocol"}


@dataclass
class Replay:
    replayed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    failure: dict | None = None  # the runner became unavailable: this result ends the run


def run_cell(
    request: HttpRequest,
    *,
    learner: str,
    track: str,
    part: str,
    cell_id: str,
    code: str,
    filename: str,
    check: dict | None = None,
    **options,
) -> Iterator[dict]:
    """`sandbox.run_cell`, but a new kernel first replays the learner's earlier cells; the
    history is updated with the outcome. Same events; the result gains "replayed". With
    `check` (an exercise's, see `sandbox.exercise_check`) only the asked code is checked."""
    kernel_id, _owner = sandbox.kernel_ids(learner, track, part)
    history = work_history.load(request, track, part)
    earlier = _before(history.cells, cell_id)
    run = functools.partial(sandbox.run_cell, learner=learner, track=track, part=part, **options)
    asked = {"cell_id": cell_id, "code": code, "filename": filename}
    if check is not None:
        asked["check"] = check
    notice, replay = "", None
    if history.cells and history.fresh:
        replay = yield from _replay(run, track, part, earlier)
    elif history.cells:
        result = yield from _relay(run(**asked, hold_if_new=True))
        if result["status"] != "held":
            yield _finished(request, kernel_id, track, part, history, result, asked, None, "")
            return
        notice = _gone_words(result)
        if result.get("reason") in NOT_REPLAYED:  # the history itself stopped the kernel
            history = work_history.History()
            work_history.clear(request, track, part)
            notice += " Your earlier cells are not replayed: one of them may have caused it."
        else:
            replay = yield from _replay(run, track, part, earlier)
    if replay is not None and replay.failure is not None:
        yield replay.failure
        return
    result = yield from _relay(run(**asked))
    yield _finished(request, kernel_id, track, part, history, result, asked, replay, notice)


def forget(request: HttpRequest, *, learner: str, track: str, part: str) -> None:
    """The learner restarted their kernel: start clean, replay nothing."""
    work_history.clear(request, track, part)
    address_limits.kernel_gone(sandbox.kernel_ids(learner, track, part)[0])


def _before(cells: list[dict], cell_id: str) -> list[dict]:
    """The history up to (not including) the asked cell; all of it if the cell is not there."""
    ids = [entry["cell"] for entry in cells]
    return cells[: ids.index(cell_id)] if cell_id in ids else list(cells)


def _relay(events: Iterator[dict]) -> Iterator[dict]:
    """Pass on a run's events; return its result (not passed on)."""
    result = None
    for event in events:
        if event["t"] == "result":
            result = event
        else:
            yield event
    return result


def _quiet(events: Iterator[dict]) -> dict:
    """A replayed run: outputs are not shown, only the result matters."""
    return next(event for event in events if event["t"] == "result")


def _replay(run: Callable, track: str, part: str, entries: list[dict]) -> Iterator[dict]:
    """Replay `entries` in order into the (new) kernel; return a Replay."""
    outcome = Replay()
    if not entries:
        return outcome
    yield {
        "t": "state",
        "state": "restoring",
        "cells": [entry["cell"] for entry in entries],
        "message": f"Restoring your work: replaying {_phrase(track, part, _ids(entries))}…",
    }
    deadline = time.monotonic() + settings.SANDBOX_REPLAY_SECONDS
    pending = list(entries)
    while pending:
        entry = pending.pop(0)
        if time.monotonic() > deadline:
            outcome.dropped += [entry["cell"], *_ids(pending)]
            break
        yield {"t": "state", "state": "restoring", "cell": entry["cell"]}
        result = _quiet(run(cell_id=entry["cell"], code=entry["code"], filename=entry["filename"]))
        state = result["kernel"]["state"]
        if state == "unavailable":
            outcome.failure = result
            return outcome
        if result["status"] == "ok":
            outcome.replayed.append(entry["cell"])
            continue
        outcome.dropped.append(entry["cell"])
        if state in ("restarted", "lost"):  # a limit replaced the kernel: again, without it
            pending = [e for e in entries if e["cell"] not in outcome.dropped]
            outcome.replayed = []
    return outcome


def _ids(entries: list[dict]) -> list[str]:
    return [entry["cell"] for entry in entries]


def _gone_words(held: dict) -> str:
    reason = held.get("reason") or ""
    return GONE_WORDS.get(reason) or held.get("message") or GONE_WORDS[""]


def _finished(
    request: HttpRequest,
    kernel_id: str,
    track: str,
    part: str,
    history: work_history.History,
    result: dict,
    asked: dict,
    replay: Replay | None,
    notice: str,
) -> dict:
    """Record the outcome in the history and say what was restored."""
    state = result["kernel"]["state"]
    replay = replay or Replay()
    result["replayed"] = replay.replayed
    if state == "unavailable":  # the cell did not run: the history stands
        return result
    address_limits.kernel_seen(kernel_id)
    kept = [e for e in history.cells if e["cell"] not in replay.dropped]
    new = work_history.updated(
        work_history.History(kept, False),
        cell=asked["cell_id"],
        code=asked["code"],
        filename=asked["filename"],
        ok=result["status"] == "ok",
    )
    new.fresh = state in ("restarted", "lost") and bool(new.cells)
    if new.cells != history.cells or new.fresh != history.fresh:
        work_history.save(request, track, part, new)
    words = [notice]
    if replay.replayed:
        words.append(f"Your work was restored: replayed {_phrase(track, part, replay.replayed)}.")
        if state == "ready":
            result["kernel"]["state"] = "restored"
    elif notice and state == "ready":
        result["kernel"]["state"] = "lost"  # gone, and nothing to restore
    if replay.dropped:
        words.append(
            f"Not replayed: {_phrase(track, part, replay.dropped)} (it failed, hit a limit or "
            "ran out of time); run it again if you need it."
        )
    message = result["message"]
    if new.fresh:  # the runner's "Re-run these cells first" becomes a replay on the next run
        message = _without_rerun(message, result.get("rerun") or [])
        message += " Your earlier cells will be replayed when you next run a cell."
        result["rerun"] = []
    result["message"] = " ".join(w for w in [*words, message] if w).strip()
    return result


def _without_rerun(message: str, rerun: list[str]) -> str:
    for sentence in (
        " Re-run these cells first: " + ", ".join(rerun) + ".",
        " Run the cells above this one again, starting with the setup cell.",
    ):
        message = message.replace(sentence, "")
    return message


def _phrase(track: str, part: str, ids: list[str]) -> str:
    """'cells 001–004', 'cell 002' or 'cells 001, 003, scratch-1' for the page."""
    found = library().part(track, part)
    cell_map = found.cell_map if found else {}
    numbers = [cell_map[i].number for i in ids if i in cell_map]
    if len(ids) == 1:
        return cell_map[ids[0]].label if ids[0] in cell_map else f"cell {ids[0]}"
    if len(numbers) == len(ids) and numbers == list(range(numbers[0], numbers[0] + len(ids))):
        return f"cells {numbers[0]:03d}–{numbers[-1]:03d}"
    return "cells " + ", ".join(f"{cell_map[i].number:03d}" if i in cell_map else i for i in ids)

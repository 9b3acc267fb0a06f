"""Section progress.

A section is done when every runnable cell that counts towards it has run without error and
every exercise it holds has passed its check (after the solution was revealed counts too), or,
for a section without cells or exercises, when the learner marked it read. What is stored are
the facts ("cell X ran", "section 2.2 read", "exercise Y passed"): per member as `ProgressMark`
rows, per visitor in the session. Which sections are done is worked out from those facts and the
loaded lesson, so editing a lesson never leaves stale counts behind.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from . import work_history
from .catalog import PartRef
from .content import Part, Track, library
from .models import ProgressMark
from .pins import pins_merge_visitor

# {"track/part": {"cell": [ids], "read": [numbers], "pass": [exercise ids]}}
SESSION_KEY = "learn_progress"
KINDS = {"cell": "cells", "read": "reads", "pass": "passed"}  # ProgressMark.Kind → Marks field


@dataclass
class Marks:
    cells: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)  # exercise ids


def part_progress(part: Part, marks: Marks | None) -> dict:
    """{"done": n, "total": m, "sections": {"2.1": bool, …}, "exercises_done": a,
    "exercises_total": b} for one part."""
    marks = marks or Marks()
    sections = {}
    for number, cell_ids in part.section_cells.items():
        exercise_ids = part.section_exercises.get(number, frozenset())
        if cell_ids or exercise_ids:
            sections[number] = cell_ids <= marks.cells and exercise_ids <= marks.passed
        else:
            sections[number] = number in marks.reads
    exercises = set(part.exercise_map)
    return {
        "done": sum(sections.values()),
        "total": len(sections),
        "sections": sections,
        "exercises_done": len(exercises & marks.passed),
        "exercises_total": len(exercises),
    }


def _user_marks(user, *, track: str | None = None, part: str | None = None) -> dict:
    rows = ProgressMark.objects.filter(user=user)
    if track:
        rows = rows.filter(track=track)
    if part:
        rows = rows.filter(part=part)
    result: dict[tuple[str, str], Marks] = defaultdict(Marks)
    for track_slug, part_slug, kind, key in rows.values_list("track", "part", "kind", "key"):
        getattr(result[(track_slug, part_slug)], KINDS.get(kind, "reads")).add(key)
    return result


def _session_marks_from(stored: dict) -> dict:
    result: dict[tuple[str, str], Marks] = defaultdict(Marks)
    for key, value in stored.items():
        track, _, part = key.partition("/")
        if track and part and isinstance(value, dict):
            result[(track, part)] = Marks(
                set(value.get("cell", [])), set(value.get("read", [])), set(value.get("pass", []))
            )
    return result


def _session_marks(request: HttpRequest) -> dict:
    return _session_marks_from(request.session.get(SESSION_KEY) or {})


def learner_marks(request: HttpRequest, *, track: str | None = None) -> dict:
    """(track, part) → Marks for the member (one query) or the visitor (the session)."""
    if request.user.is_authenticated:
        return _user_marks(request.user, track=track)
    return _session_marks(request)


def _add_mark(request: HttpRequest, *, track: str, part: str, kind: str, key: str) -> None:
    if request.user.is_authenticated:
        # INSERT … ON CONFLICT DO NOTHING: concurrent runs never fail or lose a mark.
        ProgressMark.objects.bulk_create(
            [ProgressMark(user=request.user, track=track, part=part, kind=kind, key=key)],
            ignore_conflicts=True,
        )
        return
    stored = dict(request.session.get(SESSION_KEY) or {})
    entry = stored.pop(f"{track}/{part}", {"cell": [], "read": []})
    if key not in entry.get(kind, []):
        entry = {**entry, kind: [*entry.get(kind, []), key]}
    stored[f"{track}/{part}"] = entry  # re-inserted last: the most recent part comes last
    request.session[SESSION_KEY] = stored


def progress_for(request: HttpRequest, part: Part) -> dict:
    """The learner's progress in one part."""
    if request.user.is_authenticated:
        marks = _user_marks(request.user, track=part.track, part=part.slug)
    else:
        marks = _session_marks(request)
    return part_progress(part, marks.get((part.track, part.slug)))


def record_run(request: HttpRequest, *, track: str, part: str, cell_id: str, ok: bool) -> dict:
    """Note that a cell ran (ok: without error); return the part's progress for the page:
    {"done": int, "total": int, "sections": {"<number>": bool}}."""
    found = library().part(track, part)
    if found is None:
        return {"done": 0, "total": 0, "sections": {}}
    if ok and cell_id in found.cell_map:
        _add_mark(request, track=track, part=part, kind=ProgressMark.Kind.CELL, key=cell_id)
    return progress_for(request, found)


def section_mark_read(request: HttpRequest, *, part: Part, section: str) -> dict:
    """Mark a section without cells or exercises as read; ValueError for any other section."""
    if part.section_cells.get(section) != frozenset() or part.section_exercises.get(section):
        raise ValueError("Only sections without code cells are marked read.")
    _add_mark(request, track=part.track, part=part.slug, kind=ProgressMark.Kind.READ, key=section)
    return progress_for(request, part)


def record_exercise_pass(request: HttpRequest, *, part: Part, exercise_id: str) -> dict:
    """Note that an exercise passed its check; return the part's progress (as record_run)."""
    _add_mark(
        request, track=part.track, part=part.slug, kind=ProgressMark.Kind.PASS, key=exercise_id
    )
    return progress_for(request, part)


def merge_visitor_progress(request: HttpRequest) -> None:
    """Move the progress a visitor made in their session into their (now signed-in) account."""
    if not request.user.is_authenticated:
        return
    stored = request.session.pop(SESSION_KEY, None) or {}
    rows = [
        ProgressMark(user=request.user, track=track, part=part, kind=kind, key=key)
        for (track, part), marks in _session_marks_from(stored).items()
        for kind, keys in (
            (ProgressMark.Kind.CELL, marks.cells),
            (ProgressMark.Kind.READ, marks.reads),
            (ProgressMark.Kind.PASS, marks.passed),
        )
        for key in sorted(keys)
    ]
    if rows:
        ProgressMark.objects.bulk_create(rows, ignore_conflicts=True)
    pins_merge_visitor(request)
    work_history.merge_visitor(request)
    from .exercises import exercises_merge_visitor  # exercises records passes through here

    exercises_merge_visitor(request)


def track_progress(track: Track, marks: dict) -> dict[str, dict]:
    """Part slug → progress, for every part of a track."""
    return {
        part.slug: part_progress(part, marks.get((track.slug, part.slug))) for part in track.parts
    }


def resume_point(track: Track, progress: dict[str, dict]) -> tuple[Part, str] | None:
    """The first unfinished section of the track: (part, section number), or None when done."""
    for part in track.parts:
        for number, done in progress[part.slug]["sections"].items():
            if not done:
                return part, number
    return None


def track_progress_for_user(user: AbstractBaseUser) -> list[dict]:
    """Per part of every track: {"part": PartRef, "done": int, "total": int,
    "exercises_done": int, "exercises_total": int}."""
    marks = _user_marks(user)
    result = []
    for track in library().tracks:
        for part in track.parts:
            progress = part_progress(part, marks.get((track.slug, part.slug)))
            result.append(
                {
                    "part": PartRef(track.slug, part.slug, part.number, part.sidebar_title),
                    "done": progress["done"],
                    "total": progress["total"],
                    "exercises_done": progress["exercises_done"],
                    "exercises_total": progress["exercises_total"],
                }
            )
    return result


def completed_section_count(user: AbstractBaseUser) -> int:
    """How many lesson sections the member has finished (the forum's new-account rule uses it)."""
    if not user.is_authenticated:
        return 0
    return sum(row["done"] for row in track_progress_for_user(user))


def last_part(request: HttpRequest) -> Part | None:
    """The part the learner worked in most recently, if any."""
    if request.user.is_authenticated:
        latest = (
            ProgressMark.objects.filter(user=request.user)
            .order_by("-created_at", "-id")
            .values_list("track", "part")
            .first()
        )
        return library().part(*latest) if latest else None
    stored = request.session.get(SESSION_KEY) or {}
    for key in reversed(list(stored)):
        part = library().part(*key.partition("/")[::2])
        if part is not None:
            return part
    return None

"""Section progress. The lesson engine fills this in; these signatures are the contract."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


def merge_visitor_progress(request: HttpRequest) -> None:
    """Move the progress a visitor made in their session into their (now signed-in) account."""


def record_run(request: HttpRequest, *, track: str, part: str, cell_id: str, ok: bool) -> dict:
    """Note that a cell ran (ok: without error); return the part's progress for the page:
    {"done": int, "total": int, "sections": {"<number>": bool}}."""
    return {"done": 0, "total": 0, "sections": {}}


def track_progress_for_user(user: AbstractBaseUser) -> list[dict]:
    """Per part of every track: {"part": PartRef, "done": int, "total": int}."""
    return []


def completed_section_count(user: AbstractBaseUser) -> int:
    """How many lesson sections the member has finished (the forum's new-account rule uses it)."""
    return 0

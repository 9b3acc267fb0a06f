"""Lab scratch cells of members, on the server: the whole ordered list is saved at once.

Visitors keep theirs in the browser; the lab page moves them into the account when a member
opens it with cells left from before they signed in.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import ScratchCell

MAX_NUMBER = 9999  # scratch ids are "scratch-<1 to 4 digits>", see learn.catalog.SCRATCH_CELL


def scratch_cells_for(user: AbstractBaseUser, *, track: str, part: str) -> list[dict]:
    """The member's scratch cells of a part, in order: [{"n": int, "code": str}]."""
    rows = ScratchCell.objects.filter(user=user, track=track, part=part)
    return [{"n": row.number, "code": row.code} for row in rows]


def _clean(cells) -> list[tuple[int, str]]:
    limit, most = settings.SANDBOX_CODE_BYTES, settings.LAB_SCRATCH_CELLS
    if not isinstance(cells, list):
        raise ValidationError('Send {"cells": [{"n": 1, "code": "…"}, …]}.')
    if len(cells) > most:
        raise ValidationError(f"A lab keeps at most {most} scratch cells; delete one first.")
    cleaned, seen = [], set()
    for item in cells:
        n = item.get("n") if isinstance(item, dict) else None
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_NUMBER or n in seen:
            raise ValidationError("Each scratch cell needs its own number from 1 to 9999.")
        if not isinstance(code, str) or "\x00" in code:
            raise ValidationError("A scratch cell's code must be text.")
        try:
            size = len(code.encode())
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON but not text
            raise ValidationError(
                f"Scratch cell {n} contains characters that are not valid text."
            ) from None
        if size > limit:
            raise ValidationError(
                f"Scratch cell {n} is too long: a cell may hold at most {limit // 1024} KiB."
            )
        seen.add(n)
        cleaned.append((n, code))
    return cleaned


def scratch_cells_save(*, user: AbstractBaseUser, track: str, part: str, cells) -> list[dict]:
    """Replace the member's scratch cells of a part with `cells`, in that order.

    ValidationError (nothing changed) for too many cells, oversize code or bad numbers."""
    cleaned = _clean(cells)
    with transaction.atomic():
        ScratchCell.objects.filter(user=user, track=track, part=part).delete()
        ScratchCell.objects.bulk_create(
            ScratchCell(user=user, track=track, part=part, number=n, position=i, code=code)
            for i, (n, code) in enumerate(cleaned)
        )
    return [{"n": n, "code": code} for n, code in cleaned]

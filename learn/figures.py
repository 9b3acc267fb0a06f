"""Figures produced by lesson cells, remembered on the server for a while.

When a run returns a PNG, the site keeps the bytes (in the shared cache) under a random id and
sends the id to the page. Pinning a plot or sharing it to the showcase or forum then refers to
that id, so the site uses the image it produced itself, never bytes uploaded by the browser.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

FIGURE_TTL = 6 * 60 * 60  # long enough to pin or share a plot made in this sitting


@dataclass(frozen=True)
class RememberedFigure:
    figure_id: str
    owner: str
    track: str
    part: str
    cell_id: str
    code: str
    png: bytes


def learner_key(request: HttpRequest) -> str:
    """Who owns kernels, figures and progress: the member, or the visitor's session."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"s{request.session.session_key}"


def figure_remember(
    request: HttpRequest, *, track: str, part: str, cell_id: str, code: str, png: bytes
) -> str:
    """Keep a figure a cell produced for this learner; return its id."""
    figure_id = secrets.token_urlsafe(16)
    cache.set(
        f"figure:{figure_id}",
        {
            "owner": learner_key(request),
            "track": track,
            "part": part,
            "cell_id": cell_id,
            "code": code,
            "png": png,
        },
        timeout=FIGURE_TTL,
    )
    return figure_id


def figure_recall(request: HttpRequest, figure_id: str) -> RememberedFigure | None:
    """The figure with this id if this learner made it and it has not expired, else None."""
    if not figure_id or len(figure_id) > 64:
        return None
    data = cache.get(f"figure:{figure_id}")
    if not data or data["owner"] != learner_key(request):
        return None
    return RememberedFigure(figure_id=figure_id, **data)

"""Pinned output: plots a learner keeps from cell runs, listed in the lesson's right rail.

The plot comes from `learn.figures` (bytes the site's own kernel produced for this learner),
is re-validated by `agenticworks.images.image_clean` and stored through Django's storage API.
Visitors own their pins through a random token in their session; signing in moves them to the
account, like progress.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest

from agenticworks.images import image_clean

from .figures import figure_recall
from .models import Pin

VISITOR_KEY = "learn_visitor"
MAX_PINS_PER_PART = 12


def _visitor_token(request: HttpRequest, *, create: bool) -> str:
    token = request.session.get(VISITOR_KEY, "")
    if not token and create:
        token = secrets.token_urlsafe(24)
        request.session[VISITOR_KEY] = token
    return token


def _owned(request: HttpRequest):
    if request.user.is_authenticated:
        return Pin.objects.filter(user=request.user)
    token = _visitor_token(request, create=False)
    return Pin.objects.filter(user__isnull=True, visitor=token) if token else Pin.objects.none()


def pins_for(request: HttpRequest, *, track: str, part: str) -> list[Pin]:
    """The learner's pins for one part, newest first."""
    return list(_owned(request).filter(track=track, part=part))


def get_pin_for_learner(request: HttpRequest, pin_id: int) -> Pin:
    """The learner's own pin, or Http404."""
    pin = _owned(request).filter(pk=pin_id).first()
    if pin is None:
        raise Http404("No such pin.")
    return pin


def pin_create(request: HttpRequest, *, track: str, part: str, figure_id: str) -> Pin:
    """Pin a figure this learner produced in this part; ValidationError with a message if not."""
    figure = figure_recall(request, figure_id)
    if figure is None or (figure.track, figure.part) != (track, part):
        raise ValidationError("That plot has expired. Run the cell again, then pin it.")
    if len(pins_for(request, track=track, part=part)) >= MAX_PINS_PER_PART:
        raise ValidationError(
            f"You can pin up to {MAX_PINS_PER_PART} plots per part. Unpin one first."
        )
    clean = image_clean(figure.png)
    owner = (
        {"user": request.user}
        if request.user.is_authenticated
        else {"visitor": _visitor_token(request, create=True)}
    )
    with transaction.atomic():
        pin = Pin(
            track=track,
            part=part,
            cell_id=figure.cell_id,
            width=clean.width,
            height=clean.height,
            **owner,
        )
        pin.image.save(f"{secrets.token_urlsafe(12)}.{clean.extension}", ContentFile(clean.data))
    return pin


def pin_delete(request: HttpRequest, *, pin_id: int) -> None:
    """Unpin: remove the row, then the file once the removal is committed."""
    pin = get_pin_for_learner(request, pin_id)
    storage, name = pin.image.storage, pin.image.name
    with transaction.atomic():
        pin.delete()
        transaction.on_commit(lambda: storage.delete(name))


def pins_merge_visitor(request: HttpRequest) -> None:
    """After sign-in or sign-up: the visitor's pins become the member's."""
    token = request.session.pop(VISITOR_KEY, "")
    if token and request.user.is_authenticated:
        Pin.objects.filter(user__isnull=True, visitor=token).update(user=request.user, visitor="")

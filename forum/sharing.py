"""Sharing a plot from a lesson cell to the forum: the site stores the image it made itself
(re-validated and re-encoded) and opens the new-topic form filled in with it."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest

from agenticworks.images import image_clean
from learn.catalog import cell_label, get_part
from learn.figures import figure_recall

from .models import PostImage, lesson_url
from .permissions import check_can_write


def figure_share(request: HttpRequest, figure_id: str) -> PostImage:
    """Store the learner's remembered figure as a forum image; ValidationError if it is gone."""
    check_can_write(request.user)
    figure = figure_recall(request, figure_id)
    if figure is None:
        raise ValidationError(
            "That plot is no longer available to share (plots are kept for a few hours). "
            "Run the cell again, then share the new plot."
        )
    clean = image_clean(figure.png)
    part = get_part(f"{figure.track}/{figure.part}")
    with transaction.atomic():
        image = PostImage(
            uploader=request.user,
            width=clean.width,
            height=clean.height,
            part_key=part.key if part else "",
            cell_id=figure.cell_id[:64],
            code=figure.code,
        )
        image.file.save(
            f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False
        )
        image.save()
    return image


def _fence(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return fence


def figure_draft(image: PostImage) -> dict:
    """Initial values of the new-topic form for a shared figure."""
    part = get_part(image.part_key) if image.part_key else None
    cell = cell_label(image.part_key, image.cell_id) if image.cell_id else "a cell"
    lines = [f"![Plot from {cell}]({image.file.url})", ""]
    if image.code.strip():
        fence = _fence(image.code)
        lines += [f"{fence}python", image.code.rstrip(), fence, ""]
    if part:
        anchor = f"#cell-{image.cell_id}" if image.cell_id else ""
        lines.append(f"From [{part.label}, {cell}]({lesson_url(part)}{anchor}).")
    draft = {"body": "\n".join(lines) + "\n"}
    if part:
        draft["title"] = f"A plot from {part.title}"
        draft["part_key"] = part.key
    else:
        draft["title"] = "A plot from a lesson"
    return draft

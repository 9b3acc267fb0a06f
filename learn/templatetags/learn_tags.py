"""Template helpers for the lesson pages."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=32)
def _static_url_if_present(path: str) -> str:
    # Another app's script may not exist yet (kernel.js ships with the sandbox): a page must
    # not fail, or log a 404, because of it.
    if settings.DEBUG or "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]:
        return static(path) if finders.find(path) else ""
    try:
        return static(path)
    except ValueError:  # not in the collectstatic manifest
        return ""


@register.simple_tag
def optional_module(path: str) -> str:
    """`<script type="module">` for a static file, or nothing when the file does not exist."""
    url = _static_url_if_present(path)
    return format_html('<script type="module" src="{}"></script>', url) if url else ""


@register.filter
def section_anchor(number: str) -> str:
    """'10.2' → 's-10-2', the id of the section on the lesson page."""
    return "s-" + str(number).replace(".", "-")


@register.simple_tag
def cell_label(part_key: str, cell_id: str) -> str:
    """'cell 003' for a cell id of a part, as the lesson page numbers it."""
    from learn.catalog import cell_label as label

    return label(part_key, cell_id)


@register.filter
def with_exercise_states(html: str, states: dict | None) -> str:
    """Put each exercise's state (rendered by the view, see learn.exercises.states_html) into
    a section's cached HTML, in place of its marker."""
    for marker, state_html in (states or {}).items():
        if marker in html:
            html = html.replace(marker, state_html)
    # Both pieces are ours: the cached, sanitized lesson HTML and an autoescaped template.
    return mark_safe(html)

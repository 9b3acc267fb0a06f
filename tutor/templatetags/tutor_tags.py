from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from agenticworks.markup import clean_html

from ..selectors import history_for

register = template.Library()


@register.inclusion_tag("tutor/_panel.html", takes_context=True)
def tutor_panel(context, part):
    """The rail's tutor panel: the question form and the learner's latest answers."""
    request = context["request"]
    history = history_for(request, part.key) if settings.TUTOR_ENABLED else []
    for item in history:
        # Sanitised when made; cleaned again because it comes back from storage.
        item["answer_html"] = mark_safe(clean_html(item.get("answer", "")))
    return {
        "part": part,
        "enabled": settings.TUTOR_ENABLED,
        "history": history,
        "max_chars": settings.TUTOR_QUESTION_MAX_CHARS,
        "csrf_token": context.get("csrf_token"),
        "cells": part.cells,
    }

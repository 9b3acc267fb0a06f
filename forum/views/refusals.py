"""Refusals in words: a forum view that raises PermissionDenied shows the reason (suspended
until when, topic locked, moderators only) on a 403 page instead of a generic one."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

DEFAULT = "You don’t have permission to do that."


def explain_refusals(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            message = str(error) or DEFAULT
            return render(request, "forum/refused.html", {"message": message}, status=403)

    return wrapper

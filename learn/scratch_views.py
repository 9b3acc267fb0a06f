"""GET and PUT a member's lab scratch cells of a part as JSON."""

import json

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from . import scratch
from .views import _get_part


@require_http_methods(["GET", "PUT"])
def scratch_cells(request: HttpRequest, track: str, part: str):
    try:
        _, found = _get_part(track, part)
    except Http404:  # a JSON endpoint: the page's fetch reads {"message"}, not an HTML page
        return JsonResponse({"message": "There is no such lesson part."}, status=404)
    if not request.user.is_authenticated:
        return JsonResponse(
            {"message": "Sign in to keep scratch cells on the server; they stay in this browser."},
            status=403,
        )
    if request.method == "GET":
        cells = scratch.scratch_cells_for(request.user, track=found.track, part=found.slug)
        return JsonResponse({"cells": cells})
    try:
        body = json.loads(request.body or b"")
    except RequestDataTooBig:
        return JsonResponse({"message": "That is more code than a lab keeps."}, status=413)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…]]]]
        return JsonResponse(
            {"message": 'Send JSON: {"cells": [{"n": 1, "code": "…"}]}.'}, status=400
        )
    try:
        cells = scratch.scratch_cells_save(
            user=request.user,
            track=found.track,
            part=found.slug,
            cells=body.get("cells") if isinstance(body, dict) else None,
        )
    except ValidationError as error:
        return JsonResponse({"message": " ".join(error.messages)}, status=400)
    return JsonResponse({"cells": cells})

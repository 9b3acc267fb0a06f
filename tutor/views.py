"""POST …/<part>/tutor (SPEC section 10): {"question", "cell"?} → {"answer", "sources",
"engine"}; with `Accept: application/x-ndjson` the answer streams as lines
({"type": "delta", "text"} while a model writes, then {"type": "answer", …}). A plain form
POST (no JavaScript) answers with a redirect back to the lesson's tutor panel."""

import json
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from learn.content import library

from . import services

NDJSON = "application/x-ndjson"
BODY_LIMIT = 64 * 1024


def _refuse(request: HttpRequest, part, message: str, status: int):
    if _is_form(request) and part is not None:
        messages.error(request, message)
        return redirect(_panel_url(part))
    return JsonResponse({"message": message}, status=status)


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def _panel_url(part) -> str:
    return reverse("learn:lesson", args=[part.track, part.slug]) + "#tutor"


def _body(request: HttpRequest) -> tuple:
    if _is_form(request):
        return request.POST.get("question"), request.POST.get("cell", "")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…]]]]
        message = 'Send JSON: {"question": "…", "cell": "<cell id>"}.'
        raise services.TutorRefusedError(message) from None
    if not isinstance(body, dict):
        raise services.TutorRefusedError('Send a JSON object: {"question": "…"}.')
    return body.get("question"), body.get("cell")


def _lines(request: HttpRequest, events) -> Iterator[bytes]:
    for event in events:
        yield json.dumps(event).encode() + b"\n"
    # A streamed response is sent after the session middleware ran: save it here.
    if request.session.modified:
        request.session.save()


@require_POST
def ask(request: HttpRequest, track: str, part: str):
    """Answer a learner's question about a part."""
    found = library().part(track, part)
    if found is None:
        return JsonResponse({"message": "There is no such lesson part."}, status=404)
    try:
        too_long = len(request.body) > BODY_LIMIT
    except RequestDataTooBig:  # past DATA_UPLOAD_MAX_MEMORY_SIZE: Django's HTML 400 otherwise
        too_long = True
    if too_long:
        return _refuse(request, found, "The question is far too long.", 413)
    try:
        question, cell = _body(request)
        checked = services.ask_validate(found, question, cell)
        services.quota_check(request)
    except services.TutorRefusedError as refusal:
        return _refuse(request, found, refusal.message, refusal.status)
    question = services.question_prepare(request, part=found, ask=checked)
    events = services.tutor_answer(request, part=found, ask=checked, question=question)
    if _is_form(request):
        for _event in events:
            pass
        return redirect(_panel_url(found))
    if NDJSON in request.headers.get("Accept", ""):
        response = StreamingHttpResponse(_lines(request, events), content_type=NDJSON)
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"
        return response
    final = [event for event in events if event["type"] == "answer"][-1]
    final.pop("type")
    return JsonResponse(final)

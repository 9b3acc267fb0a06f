"""Run, restart and interrupt endpoints (SPEC section 9). The sandbox issue fills these in;
until then every call answers that the kernel is unavailable, which the page shows calmly."""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

UNAVAILABLE = {
    "status": "error",
    "message": "The code runner is not available on this server yet.",
    "kernel": {"state": "unavailable", "isolation": "none"},
}


@require_POST
def run(request, track: str, part: str):
    return JsonResponse(UNAVAILABLE, status=503)


@require_POST
def restart(request, track: str, part: str):
    return JsonResponse(UNAVAILABLE, status=503)


@require_POST
def interrupt(request, track: str, part: str):
    return JsonResponse(UNAVAILABLE, status=503)

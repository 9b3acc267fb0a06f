"""Run, restart and interrupt endpoints (SPEC section 9).

POST …/run with {"cell": id, "code": source}: with `Accept: application/x-ndjson` the answer
streams one JSON object per line ({"type": "state"|"output"|"result", …}) while the cell runs;
otherwise it is one JSON document after the run. Every call goes through `learn.sandbox`.
"""

import ipaddress
import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_POST

from agenticworks import ratelimit
from learn import address_limits, catalog, errorhelp, figures, progress, replay, sandbox
from tutor.context import remember_run

NDJSON = "application/x-ndjson"
LABEL = re.compile(r"cell [0-9]{1,4}")


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"status": "error", "message": message, "kernel": {"state": "unknown"}}, status=status
    )


PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _from_this_machine(request: HttpRequest) -> bool:
    """Whether the visitor is on the site's own machine. A request that came through a proxy
    we were not told to trust (TRUSTED_PROXY_COUNT) counts as remote, whatever REMOTE_ADDR."""
    if not settings.TRUSTED_PROXY_COUNT and any(h in request.META for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(ratelimit.client_ip(request)).is_loopback
    except ValueError:
        return False


def _check_part(track: str, part: str) -> JsonResponse | None:
    if catalog.get_part(f"{track}/{part}") is None or catalog.cell_ids(track, part) is None:
        return _error("There is no such lesson part.", 404)
    return None


def _parse(request: HttpRequest, *, cell: bool = True) -> tuple[dict | None, JsonResponse | None]:
    """The JSON body {"cell": id, "code": source} (without "cell" when cell=False), or the 4xx
    answer for what is wrong with it."""
    limit = settings.SANDBOX_CODE_BYTES
    try:
        size = len(request.body)
    except RequestDataTooBig:  # past DATA_UPLOAD_MAX_MEMORY_SIZE: Django's HTML 400 otherwise
        size = limit + 1025
    if size > limit + 1024:
        return None, _error(
            f"The code is too long to run: a cell may hold at most {limit // 1024} KiB.", 413
        )
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…]]]]
        return None, _error('Send JSON: {"cell": "<cell id>", "code": "<source>"}.', 400)
    if not isinstance(body, dict):
        return None, _error('Send a JSON object: {"cell": …, "code": …}.', 400)
    cell_id, code = body.get("cell"), body.get("code")
    if cell and (not isinstance(cell_id, str) or not cell_id):
        return None, _error('"cell" must be the id of a cell of this part.', 400)
    if not isinstance(code, str):
        return None, _error('"code" must be the source of the cell, as text.', 400)
    try:
        size = len(code.encode())
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON but not text
        return None, _error("The code contains characters that are not valid text.", 400)
    if size > limit:
        return None, _error(
            f"The code is too long to run: a cell may hold at most {limit // 1024} KiB.", 413
        )
    if "\x00" in code:
        return None, _error("The code contains a NUL character.", 400)
    return body, None


@require_POST
def run(request: HttpRequest, track: str, part: str):
    """Run one cell in the caller's kernel for this part."""
    if problem := _check_part(track, part):
        return problem
    body, problem = _parse(request)
    if problem:
        return problem
    cell_id = body["cell"]
    if not catalog.is_known_cell(track, part, cell_id):
        return _error(f"This part has no cell {cell_id[:64]!r}.", 404)
    learner, refusal = admit_run(request, track=track, part=part)
    if refusal:
        return refusal
    label = body.get("label")
    filename = f"<{label}>" if isinstance(label, str) and LABEL.fullmatch(label) else None
    events = replay.run_cell(
        request,
        learner=learner,
        track=track,
        part=part,
        cell_id=cell_id,
        code=body["code"],
        filename=filename or f"<cell {cell_id}>",
        **run_fields(request),
    )
    events = errorhelp.with_help(events, track=track, part=part, cell_id=cell_id)
    results = _with_figures(
        request, events, track=track, part=part, cell_id=cell_id, code=body["code"]
    )
    if NDJSON in request.headers.get("Accept", ""):
        response = StreamingHttpResponse(_ndjson(results), content_type=NDJSON)
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"  # nginx: pass lines on as they come
        return response
    return _json(results)


def admit_run(request: HttpRequest, *, track: str, part: str) -> tuple[str, JsonResponse | None]:
    """The learner's key and, when a run (or a check) is refused, the 429 answer: limits per
    client address on new sessions and kernels, and the learner's own runs per minute."""
    if refused := address_limits.before_session(request):
        return "", _error(refused, 429)
    learner = figures.learner_key(request)
    if problem := _run_limit(learner):
        return learner, problem
    if refused := address_limits.before_kernel(
        request, sandbox.kernel_ids(learner, track, part)[0]
    ):
        return learner, _error(refused, 429)
    return learner, None


def _run_limit(learner: str) -> JsonResponse | None:
    """The 429 answer when the learner ran (or checked) too often this minute, else None."""
    verdict = ratelimit.hit(
        f"sandbox-run:{learner}", limit=settings.SANDBOX_RUNS_PER_MINUTE, window=60
    )
    if verdict.allowed:
        return None
    wait = ratelimit.wait_phrase(verdict.retry_after)
    return _error(f"Too many runs in a short time; try again {wait}.", 429)


def run_fields(request: HttpRequest) -> dict:
    """What every run request (a cell, an exercise's check) tells the runner about the caller:
    the isolation it needs, and its tier and address for fair eviction."""
    return {
        "learner_name": sandbox.learner_name(request),
        "require_full_isolation": not settings.SANDBOX_ALLOW_PARTIAL_ISOLATION
        and not _from_this_machine(request),
        "tier": "member" if request.user.is_authenticated else "visitor",
        "client": ratelimit.client_key(request),
    }


def _with_figures(
    request: HttpRequest, events: Iterator[dict], *, track: str, part: str, cell_id: str, code: str
) -> Iterator[dict]:
    """Remember every figure for pinning and sharing, and report progress after the run;
    the tutor remembers the code and the last error."""
    error = None
    for event in events:
        if event["t"] == "output" and event["output"]["output_type"] == "error":
            error = event["output"]
        if event["t"] == "output" and event["output"]["output_type"] == "display_data":
            png = sandbox.png_bytes(event["output"])
            figure_id = figures.figure_remember(
                request, track=track, part=part, cell_id=cell_id, code=code, png=png
            )
            event["output"]["metadata"]["agenticworks"] = {"figure_id": figure_id}
        if event["t"] == "result":
            remember_run(
                learner=figures.learner_key(request), part_key=f"{track}/{part}", cell_id=cell_id,
                code=code, error=error if event["status"] == "error" else None,
                help_=event.get("help"),
            )  # fmt: skip
            event["progress"] = progress.record_run(
                request, track=track, part=part, cell_id=cell_id, ok=event["status"] == "ok"
            )
            # A streamed response is sent after the session middleware ran: save it here.
            if getattr(request, "session", None) is not None and request.session.modified:
                request.session.save()
        yield event


def _ndjson(events: Iterator[dict]) -> Iterator[bytes]:
    for event in events:
        kind = event.pop("t")
        yield json.dumps({"type": kind, **event}).encode() + b"\n"


def _json(events: Iterator[dict]) -> JsonResponse:
    outputs: list[dict] = []
    result: dict = {}
    for event in events:
        if event["t"] == "output":
            output = event["output"]
            previous = outputs[-1] if outputs else None
            if (
                output["output_type"] == "stream"
                and previous is not None
                and previous["output_type"] == "stream"
                and previous["name"] == output["name"]
            ):
                previous["text"] += output["text"]
            else:
                outputs.append(output)
        elif event["t"] == "result":
            result = event
    result.pop("t", None)
    answer = {"status": result.get("status", "error"), "outputs": outputs, **result}
    status = 503 if answer.get("kernel", {}).get("state") == "unavailable" else 200
    return JsonResponse(answer, status=status)


def _kernel_op(request: HttpRequest, track: str, part: str, operation) -> JsonResponse:
    if problem := _check_part(track, part):
        return problem
    learner = figures.learner_key(request)
    verdict = ratelimit.hit(
        f"sandbox-kernel:{learner}", limit=settings.SANDBOX_RUNS_PER_MINUTE, window=60
    )
    if not verdict.allowed:
        return _error(
            f"Too many requests; try again {ratelimit.wait_phrase(verdict.retry_after)}.", 429
        )
    kernel = operation(learner=learner, track=track, part=part)
    status = 503 if kernel["state"] == "unavailable" else 200
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "kernel": kernel}, status=status
    )


@require_POST
def restart(request: HttpRequest, track: str, part: str):
    """Stop the caller's kernel for this part; the next run starts a fresh one, clean: the
    learner's history is forgotten, nothing is replayed."""
    response = _kernel_op(request, track, part, sandbox.kernel_restart)
    if response.status_code in (200, 503):
        replay.forget(request, learner=figures.learner_key(request), track=track, part=part)
    return response


@require_POST
def interrupt(request: HttpRequest, track: str, part: str):
    """Interrupt the cell running in the caller's kernel for this part."""
    return _kernel_op(request, track, part, sandbox.kernel_interrupt)

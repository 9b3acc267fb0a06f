"""Exercise endpoints (SPEC section 10): check an answer, reveal the next hint, the solution.

POST …/<part>/exercises/<id>/check   {"code": source} → {"status": pass|fail|error|limit,
                                      "message", "outputs", "hints_used", "solved", …}
POST …/<part>/exercises/<id>/hint    → {"level", "hint" (safe HTML), "last"}
POST …/<part>/exercises/<id>/solution → {"solution"}, refused (409) until every hint was shown
Bad input answers 4xx JSON {"message"}; the body is parsed exactly as the run endpoint does.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from agenticworks import ratelimit
from learn import address_limits, errorhelp, exercises, figures, replay, sandbox
from learn.content import Exercise, Part, library
from learn.kernel_views import _check_part, _error, _parse, admit_run, run_fields


def _find(track: str, part: str, exercise_id: str) -> tuple[Part, Exercise] | JsonResponse:
    if problem := _check_part(track, part):
        return problem
    found = library().part(track, part)
    exercise = found.exercise_map.get(exercise_id) if found else None
    if exercise is None:
        return _error(f"This part has no exercise {exercise_id[:64]!r}.", 404)
    return found, exercise


@require_POST
def check(request: HttpRequest, track: str, part: str, exercise_id: str):
    """Run the learner's answer in their kernel for this part, then the exercise's check."""
    found = _find(track, part, exercise_id)
    if isinstance(found, JsonResponse):
        return found
    found_part, exercise = found
    body, problem = _parse(request, cell=False)
    if problem:
        return problem
    learner, refusal = admit_run(request, track=track, part=part)
    if refusal:
        return refusal
    events = replay.run_cell(
        request,
        learner=learner,
        track=track,
        part=part,
        cell_id=exercise.id,
        code=body["code"],
        filename=f"<cell {exercise.id}>",
        check=sandbox.exercise_check(exercise.check),
        **run_fields(request),
    )
    events = errorhelp.with_help(events, track=track, part=part, cell_id=exercise.id)
    outputs, answer = exercises.check_answer(request, found_part, exercise, events)
    status = 503 if answer["kernel"].get("state") == "unavailable" else 200
    return JsonResponse({**answer, "outputs": outputs}, status=status)


def _ladder_limit(request: HttpRequest) -> JsonResponse | None:
    # Without this, each cookieless request made a new session (and its own rate limit).
    if refused := address_limits.before_new_session(request):
        return JsonResponse({"message": refused}, status=429)
    verdict = ratelimit.hit(
        f"exercise-ladder:{figures.learner_key(request)}",
        limit=settings.SANDBOX_RUNS_PER_MINUTE,
        window=60,
    )
    if verdict.allowed:
        return None
    wait = ratelimit.wait_phrase(verdict.retry_after)
    return JsonResponse({"message": f"Too many requests; try again {wait}."}, status=429)


@require_POST
def hint(request: HttpRequest, track: str, part: str, exercise_id: str):
    """Reveal the learner's next hint for this exercise."""
    found = _find(track, part, exercise_id)
    if isinstance(found, JsonResponse):
        return found
    if problem := _ladder_limit(request):
        return problem
    return JsonResponse(exercises.hint_reveal(request, *found))


@require_POST
def solution(request: HttpRequest, track: str, part: str, exercise_id: str):
    """The solution, once every hint was revealed (recorded as revealed)."""
    found = _find(track, part, exercise_id)
    if isinstance(found, JsonResponse):
        return found
    if problem := _ladder_limit(request):
        return problem
    try:
        code = exercises.solution_reveal(request, *found)
    except exercises.SolutionRefused as refusal:
        return JsonResponse({"message": str(refusal)}, status=409)
    return JsonResponse({"solution": code})

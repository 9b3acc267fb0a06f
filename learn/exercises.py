"""Exercises: a learner's state on each one (hint ladder, solution, passed) and checking an answer.

State is kept like section progress: members in `ExerciseState` rows, visitors in the session
(merged into the account on sign-in by `progress.merge_visitor_progress`). A pass also adds a
progress mark of kind "pass", which is what section progress counts.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString

from agenticworks.markup import render_markdown

from . import progress
from .content import Exercise, Part
from .models import ExerciseState

log = logging.getLogger(__name__)

SESSION_KEY = "learn_exercises"  # {"track/part/exercise": {State fields}}
CHECK_CRASHED = (
    "The checker itself failed — that is our bug, not yours. Your code ran; we have been told "
    "about the problem."
)
NO_VERDICT = "The check could not run this time. Run your code again, then press Check."
NAME_ERROR = re.compile(r"name '(?P<name>[A-Za-z_][A-Za-z0-9_]*)' is not defined")
STATES = {
    "untried": "not tried",
    "failed": "failed",
    "passed": "passed",
    "solution": "passed with solution",
}


@dataclass
class State:
    """One learner's state on one exercise."""

    hints_used: int = 0
    solution_revealed: bool = False
    passed: bool = False
    passed_with_solution: bool = False
    last_status: str = ""

    @property
    def key(self) -> str:
        """untried / failed / passed / solution (passed after revealing it)."""
        if self.passed:
            return "solution" if self.passed_with_solution else "passed"
        return "failed" if self.last_status else "untried"

    @property
    def label(self) -> str:
        return STATES[self.key]


FIELDS = tuple(State.__dataclass_fields__)


def _session_key(part: Part, exercise_id: str) -> str:
    return f"{part.track}/{part.slug}/{exercise_id}"


def _from_session(value) -> State:
    if not isinstance(value, dict):
        return State()
    hints = value.get("hints_used")
    return State(
        hints_used=hints if isinstance(hints, int) and hints >= 0 else 0,
        solution_revealed=value.get("solution_revealed") is True,
        passed=value.get("passed") is True,
        passed_with_solution=value.get("passed_with_solution") is True,
        last_status=str(value.get("last_status") or "")[:8],
    )


def states_for(request: HttpRequest, part: Part) -> dict[str, State]:
    """Exercise id → the learner's state, for every exercise of a part (at most one query)."""
    states = {exercise_id: State() for exercise_id in part.exercise_map}
    if not states:
        return states
    if request.user.is_authenticated:
        rows = ExerciseState.objects.filter(
            user=request.user, track=part.track, part=part.slug, exercise__in=list(states)
        ).values("exercise", *FIELDS)
        for row in rows:
            exercise_id = row.pop("exercise")
            states[exercise_id] = State(**row)
        return states
    stored = request.session.get(SESSION_KEY) or {}
    for exercise_id in states:
        states[exercise_id] = _from_session(stored.get(_session_key(part, exercise_id)))
    return states


def state_for(request: HttpRequest, part: Part, exercise: Exercise) -> State:
    """The learner's state on one exercise."""
    if request.user.is_authenticated:
        row = (
            ExerciseState.objects.filter(
                user=request.user, track=part.track, part=part.slug, exercise=exercise.id
            )
            .values(*FIELDS)
            .first()
        )
        return State(**row) if row else State()
    stored = request.session.get(SESSION_KEY) or {}
    return _from_session(stored.get(_session_key(part, exercise.id)))


def _save(request: HttpRequest, part: Part, exercise: Exercise, state: State) -> None:
    if request.user.is_authenticated:
        ExerciseState.objects.update_or_create(
            user=request.user,
            track=part.track,
            part=part.slug,
            exercise=exercise.id,
            defaults=asdict(state),
        )
        return
    stored = dict(request.session.get(SESSION_KEY) or {})
    stored[_session_key(part, exercise.id)] = asdict(state)
    request.session[SESSION_KEY] = stored


def hint_reveal(request: HttpRequest, part: Part, exercise: Exercise) -> dict:
    """Reveal the next hint (the last one again once all are shown):
    {"level": 1-based, "hint": safe HTML, "last": bool}."""
    state = state_for(request, part, exercise)
    level = min(state.hints_used + 1, len(exercise.hints))
    if level > state.hints_used:
        state.hints_used = level
        _save(request, part, exercise, state)
    return {
        "level": level,
        "hint": hint_html(exercise, level),
        "last": level == len(exercise.hints),
    }


def hint_html(exercise: Exercise, level: int) -> SafeString:
    """Hint number `level` (1-based) as sanitized HTML."""
    return render_markdown(exercise.hints[level - 1])


class SolutionRefused(Exception):  # noqa: N818 - a refusal, not a crash
    """The learner asked for the solution before climbing the whole hint ladder."""


def solution_reveal(request: HttpRequest, part: Part, exercise: Exercise) -> str:
    """The solution, recorded as revealed; SolutionRefused until every hint was shown."""
    state = state_for(request, part, exercise)
    remaining = len(exercise.hints) - state.hints_used
    if remaining > 0:
        raise SolutionRefused(
            f"Take the hints first: {remaining} more to go before the solution "
            f"(press Hint{' again' if state.hints_used else ''})."
        )
    if not state.solution_revealed:
        state.solution_revealed = True
        _save(request, part, exercise, state)
    return exercise.solution


def exercises_merge_visitor(request: HttpRequest) -> None:
    """Move a visitor's exercise states from the session into their (now signed-in) account,
    keeping the furthest of both: more hints, a revealed solution, a pass."""
    stored = request.session.pop(SESSION_KEY, None) or {}
    if not request.user.is_authenticated or not isinstance(stored, dict):
        return
    for key, value in stored.items():
        track, _, rest = key.partition("/")
        part_slug, _, exercise_id = rest.partition("/")
        if not (track and part_slug and exercise_id):
            continue
        visitor = _from_session(value)
        row, _created = ExerciseState.objects.get_or_create(
            user=request.user, track=track, part=part_slug, exercise=exercise_id[:64]
        )
        if not row.passed and visitor.passed:
            row.passed_with_solution = visitor.passed_with_solution
        row.passed = row.passed or visitor.passed
        row.hints_used = max(row.hints_used, visitor.hints_used)
        row.solution_revealed = row.solution_revealed or visitor.solution_revealed
        row.last_status = row.last_status or visitor.last_status
        row.save()


# -- checking an answer --------------------------------------------------------------------------
def check_answer(
    request: HttpRequest, part: Part, exercise: Exercise, events: Iterator[dict]
) -> tuple[list[dict], dict]:
    """Collect a check's events (a run with `sandbox.exercise_check`) into (outputs, answer) and
    record the outcome. The answer holds status pass/fail/error/limit, message, hints_used,
    solved, execution_count, kernel and progress."""
    outputs: list[dict] = []
    result: dict = {}
    for event in events:
        if event["t"] == "output":
            outputs.append(event["output"])
        elif event["t"] == "result":
            result = event
    status, message = _verdict_words(result, outputs, exercise)
    state = state_for(request, part, exercise)
    state.last_status = status
    if status == "pass" and not state.passed:
        state.passed = True
        state.passed_with_solution = state.solution_revealed
    _save(request, part, exercise, state)
    if state.passed:
        part_progress = progress.record_exercise_pass(request, part=part, exercise_id=exercise.id)
    else:
        part_progress = progress.progress_for(request, part)
    answer = {
        "status": status,
        "message": message,
        "hints_used": state.hints_used,
        "solved": state.passed,
        "state": state.key,
        "execution_count": result.get("execution_count", 0),
        "kernel": result.get("kernel", {"state": "unknown"}),
        "duration_ms": result.get("duration_ms", 0),
        "rerun": result.get("rerun", []),
        "replayed": result.get("replayed", []),
        "progress": part_progress,
    }
    if status == "error" and isinstance(result.get("help"), dict):
        answer["help"] = result["help"]  # error help (SPEC 10), when the events carry it
    return outputs, answer


def _verdict_words(result: dict, outputs: list[dict], exercise: Exercise) -> tuple[str, str]:
    """(status, message) for the learner from the runner's result and the check's verdict."""
    status = result.get("status", "error")
    message = result.get("message", "")
    if status == "limit":
        return "limit", message or "Your code broke a limit, so it was not checked."
    if status != "ok":
        return "error", _error_words(outputs, message)
    verdict = result.get("verdict")
    if verdict is None:
        return "error", message or NO_VERDICT
    if verdict["status"] == "crashed":
        log.error("the check of exercise %s crashed:\n%s", exercise.id, verdict["detail"])
        return "error", CHECK_CRASHED
    if verdict["status"] == "fail":
        return "fail", verdict["message"]
    return "pass", exercise.success or "Passed: your answer is right."


def _error_words(outputs: list[dict], message: str) -> str:
    error = next((o for o in reversed(outputs) if o["output_type"] == "error"), None)
    if error is None:
        return message or "Your code did not run, so it was not checked."
    words = f"Your code stopped with {error['ename']}, so it was not checked yet."
    if error["ename"] == "NameError" and (found := NAME_ERROR.search(error["evalue"])):
        words = (
            f"`{found['name']}` is not defined in your kernel: run the cells above this exercise "
            "first (starting with the setup cell), then check again."
        )
    return f"{message} {words}".strip() if message else words


def states_html(request: HttpRequest, part: Part) -> dict[str, SafeString]:
    """Exercise marker → the learner's state block (badge, revealed hints, solution), for the
    lesson and lab pages' `with_exercise_states` filter. At most one query."""
    from django.template.loader import render_to_string

    from .render import exercise_marker

    result = {}
    for exercise_id, state in states_for(request, part).items():
        exercise = part.exercise_map[exercise_id]
        context = {
            "state": state,
            "hints": [hint_html(exercise, level) for level in range(1, state.hints_used + 1)],
            "solution": exercise.solution if state.solution_revealed else "",
        }
        result[exercise_marker(exercise_id)] = render_to_string(
            "learn/_exercise_state.html", context
        )
    return result

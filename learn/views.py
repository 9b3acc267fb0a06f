from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from agenticworks import ratelimit
from forum.selectors import topics_for_part

from . import exercises, pins, progress, scratch
from .content import Part, Track, library
from .notebook import colab_url, notebook_json
from .render import rendered


def _get_track(slug: str) -> Track:
    track = library().track(slug)
    if track is None:
        raise Http404("No such track.")
    return track


def _get_part(track_slug: str, part_slug: str) -> tuple[Track, Part]:
    track = _get_track(track_slug)
    part = track.get(part_slug)
    if part is None:
        raise Http404("No such part.")
    return track, part


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def index(request):
    marks = progress.learner_marks(request)
    tracks = []
    for item in library().tracks:
        part_progress = progress.track_progress(item, marks)
        tracks.append(
            {"track": item, "parts": [(part, part_progress[part.slug]) for part in item.parts]}
        )
    return render(request, "learn/index.html", {"tracks": tracks})


def track(request, track: str):
    found = _get_track(track)
    marks = progress.learner_marks(request, track=found.slug)
    part_progress = progress.track_progress(found, marks)
    started = any(p["done"] for p in part_progress.values())
    point = progress.resume_point(found, part_progress)
    return render(
        request,
        "learn/track.html",
        {
            "track": found,
            "parts": [(part, part_progress[part.slug]) for part in found.parts],
            "resume": point,
            "started": started,
            "certificate": _own_certificate(request, found) if point is None else None,
        },
    )


def _own_certificate(request, track: Track):
    """The member's certificate for a track they finished (None for visitors, or unclaimed)."""
    from certificates.models import Certificate

    if not request.user.is_authenticated:
        return None
    return Certificate.objects.filter(user=request.user, track=track.slug).first()


def _part_context(request, track: Track, part: Part) -> dict:
    marks = progress.learner_marks(request, track=track.slug)
    part_progress = progress.track_progress(track, marks)
    mine = part_progress[part.slug]
    previous, following = track.neighbours(part)
    return {
        "track": track,
        "part": part,
        "parts": [(p, part_progress[p.slug]) for p in track.parts],
        "progress": mine,
        "previous": previous,
        "next": following,
        "colab_url": colab_url(part),
    }


def lesson(request, track: str, part: str):
    found_track, found = _get_part(track, part)
    context = _part_context(request, found_track, found)
    body = rendered(found)
    sections = context["progress"]["sections"]
    context.update(
        {
            "body": body,
            "sections": [(section, sections[section.number]) for section in body.sections],
            "pins": pins.pins_for(request, track=found.track, part=found.slug),
            "topics": topics_for_part(request.user, found.key, limit=5),
            "exercise_states": exercises.states_html(request, found),
        }
    )
    return render(request, "learn/lesson.html", context)


def lab(request, track: str, part: str):
    found_track, found = _get_part(track, part)
    context = _part_context(request, found_track, found)
    context["body"] = rendered(found, lab=True)
    context["exercise_states"] = exercises.states_html(request, found)
    if request.user.is_authenticated:
        context["scratch_cells"] = scratch.scratch_cells_for(
            request.user, track=found.track, part=found.slug
        )
    return render(request, "learn/lab.html", context)


def notebook(request, track: str, part: str):
    _, found = _get_part(track, part)
    response = HttpResponse(notebook_json(found), content_type="application/x-ipynb+json")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}.ipynb"'
    return response


@require_POST
def section_read(request, track: str, part: str):
    _, found = _get_part(track, part)
    section = request.POST.get("section", "")
    try:
        result = progress.section_mark_read(request, part=found, section=section)
    except ValueError as exc:
        if _wants_json(request):
            return JsonResponse({"message": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect(found_url(found))
    if _wants_json(request):
        return JsonResponse({"progress": result})
    return redirect(found_url(found) + "#s-" + section.replace(".", "-"))


def found_url(part: Part) -> str:
    return reverse("learn:lesson", args=[part.track, part.slug])


def _pins_answer(request, part: Part, *, status: int = 200, message: str = ""):
    if _wants_json(request):
        html = render_to_string(
            "learn/_pins.html",
            {"pins": pins.pins_for(request, track=part.track, part=part.slug), "part": part},
            request=request,
        )
        return JsonResponse({"html": html, "message": message}, status=status)
    if message:
        (messages.error if status >= 400 else messages.success)(request, message)
    return redirect(found_url(part) + "#pinned-output")


@require_POST
def pin(request, track: str, part: str):
    _, found = _get_part(track, part)
    verdict = ratelimit.hit(f"learn:pin:{ratelimit.client_ip(request)}", limit=60, window=10 * 60)
    if not verdict.allowed:
        wait = ratelimit.wait_phrase(verdict.retry_after)
        return _pins_answer(
            request, found, status=429, message=f"Too many pins at once. Try again {wait}."
        )
    try:
        pins.pin_create(
            request, track=found.track, part=found.slug, figure_id=request.POST.get("figure_id", "")
        )
    except ValidationError as exc:
        return _pins_answer(request, found, status=400, message=" ".join(exc.messages))
    return _pins_answer(request, found, message="Pinned. It stays in the right-hand column.")


@require_POST
def unpin(request, track: str, part: str, pin_id: int):
    _, found = _get_part(track, part)
    pins.pin_delete(request, pin_id=pin_id)
    return _pins_answer(request, found, message="Unpinned.")

"""Reads for pages outside the learn app."""

from django.http import HttpRequest
from django.urls import reverse

from .content import library
from .progress import last_part, learner_marks, resume_point, track_progress


def home_call_to_action(request: HttpRequest) -> dict:
    """The home page's main button: start Track 1, or resume where the learner stopped."""
    tracks = library().tracks
    if not tracks or not tracks[0].parts:
        return {"label": "Start Track 1", "url": reverse("learn:index")}
    recent = last_part(request)
    if recent is None:
        first = tracks[0].parts[0]
        return {
            "label": "Start Track 1",
            "url": reverse("learn:lesson", args=[first.track, first.slug]),
        }
    track = library().track(recent.track)
    progress = track_progress(track, learner_marks(request, track=track.slug))
    unfinished = [n for n, done in progress[recent.slug]["sections"].items() if not done]
    # Where they stopped: the part they last worked in, else the first gap in the track.
    point = (recent, unfinished[0]) if unfinished else resume_point(track, progress)
    if point is None:
        return {"label": f"Review {track.title}", "url": reverse("learn:track", args=[track.slug])}
    part, section = point
    url = reverse("learn:lesson", args=[part.track, part.slug]) + "#s-" + section.replace(".", "-")
    return {"label": f"Resume Part {part.number}", "url": url}

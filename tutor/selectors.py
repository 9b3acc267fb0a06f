"""Reads for the tutor panel."""

from django.http import HttpRequest

from .models import Exchange

HISTORY = 5


def history_for(request: HttpRequest, part_key: str) -> list[dict]:
    """The learner's latest questions on a part, newest first: a member's kept history, or a
    visitor's last answer from the session."""
    if request.user.is_authenticated:
        return [
            {
                "question": e.question,
                "answer": e.answer_html,
                "sources": e.sources,
                "engine": e.engine,
            }
            for e in Exchange.objects.filter(user=request.user, part_key=part_key).order_by(
                "-created_at", "-pk"
            )[:HISTORY]
        ]
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:  # a first visit: no session to read
        return []
    last = session.get("tutor:last")
    return [last] if last and last.get("part") == part_key else []

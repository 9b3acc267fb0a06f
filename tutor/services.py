"""Asking the tutor: checks, quotas, retrieval, the engine, and keeping the answer."""

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from agenticworks import ratelimit
from agenticworks.markup import render_markdown
from learn import catalog, figures
from learn.content import Part

from . import retrieval
from .context import learner_context
from .engines import Question, engine_for_site
from .models import Exchange

SESSION_KEY = "tutor:last"
HITS = 6
PREFILL_CODE_CHARS = 1500


class TutorRefusedError(Exception):
    """A question the tutor will not take, with the status and words for the learner."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Ask:
    question: str
    cell_id: str


def ask_validate(part: Part, question, cell) -> Ask:
    """The question and cell, checked; raises TutorRefusedError with a clear message."""
    if not settings.TUTOR_ENABLED:
        raise TutorRefusedError("The tutor is turned off on this site.", 403)
    if not isinstance(question, str) or not question.strip():
        raise TutorRefusedError("Type a question for the tutor.")
    limit = settings.TUTOR_QUESTION_MAX_CHARS
    if len(question) > limit:
        raise TutorRefusedError(
            f"That question is {len(question)} characters long; the tutor takes at most {limit}.",
            413,
        )
    if "\x00" in question:
        raise TutorRefusedError("The question contains a NUL character.")
    try:
        question.encode()
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON but not text
        message = "The question contains characters that are not valid text."
        raise TutorRefusedError(message) from None
    if cell in (None, ""):
        cell = ""
    elif not isinstance(cell, str) or not catalog.is_known_cell(part.track, part.slug, cell):
        raise TutorRefusedError(f"This part has no cell {str(cell)[:64]!r}.", 404)
    return Ask(question=question.strip(), cell_id=cell)


def quota_check(request: HttpRequest) -> None:
    """Count one question against the member's and the address's hourly quotas."""
    checks = []
    if request.user.is_authenticated:
        checks.append((f"tutor:member:{request.user.pk}", settings.TUTOR_QUESTIONS_PER_HOUR))
    checks.append(
        (f"tutor:address:{ratelimit.client_ip(request)}", settings.TUTOR_QUESTIONS_PER_HOUR_ADDRESS)
    )
    for key, limit in checks:
        verdict = ratelimit.hit(key, limit=limit, window=3600)
        if not verdict.allowed:
            wait = ratelimit.wait_phrase(verdict.retry_after)
            raise TutorRefusedError(
                f"You have asked the tutor {limit} questions this hour, the most it takes. "
                f"Try again {wait}, or ask the forum.",
                429,
            )


def forum_prefill_url(part: Part, question: str, code: str, error: dict | None) -> str:
    """ "Ask the forum": a new topic linked to the part, with the question, code and error."""
    try:
        base = reverse("forum:new_topic")
    except NoReverseMatch:
        return ""
    body = [question]
    if code:
        body.append("My code:\n\n```python\n" + code[:PREFILL_CODE_CHARS] + "\n```")
    if error:
        trace = "\n".join(error.get("traceback", [])[-6:]) or error.get("ename", "")
        body.append("The error:\n\n```text\n" + trace[:1500] + "\n```")
    params = {"part": part.key, "title": question.splitlines()[0][:120], "body": "\n\n".join(body)}
    return f"{base}?{urlencode(params)}"


def question_prepare(request: HttpRequest, *, part: Part, ask: Ask) -> Question:
    """Retrieval and the learner's context for a checked question (done before any answer is
    streamed, so a new visitor's session cookie still goes out with the response)."""
    retrieval.index_part(part)
    retrieval.index_forum(part.key)
    hits = retrieval.search(part.key, ask.question, limit=HITS)
    # The selected cell's own section is always part of the grounding.
    home = retrieval.cell_section(part, ask.cell_id) if ask.cell_id else None
    if home and all(hit.document.pk != home.document.pk for hit in hits):
        hits.append(home)
    context = learner_context(learner=figures.learner_key(request), part=part, cell_id=ask.cell_id)
    if not request.user.is_authenticated:
        request.session.modified = True  # the last answer is kept in it
    return Question(text=ask.question, part=part, hits=hits, context=context)


def tutor_answer(
    request: HttpRequest, *, part: Part, ask: Ask, question: Question
) -> Iterator[dict]:
    """Answer a prepared question. Yields {"type": "delta", "text"} while an LLM writes, then
    {"type": "answer", "answer": safe HTML, "sources", "engine", "notice", "forum_url"}; a
    member's question and answer are kept in their history, a visitor's last one in the
    session."""
    context = question.context
    for event in engine_for_site().stream(question):
        if event["type"] != "answer":
            yield event
            continue
        answer = event["answer"]
        final = {
            "type": "answer",
            "answer": str(render_markdown(answer.markdown)),
            "sources": answer.sources,
            "engine": answer.engine,
            "notice": answer.notice,
            "forum_url": forum_prefill_url(part, ask.question, context.code, context.error),
        }
        _keep(request, part, ask, final)
        yield final


def _keep(request: HttpRequest, part: Part, ask: Ask, final: dict) -> None:
    if request.user.is_authenticated:
        Exchange.objects.create(
            user=request.user,
            part_key=part.key,
            question=ask.question,
            answer_html=final["answer"],
            sources=final["sources"],
            engine=final["engine"],
        )
    request.session[SESSION_KEY] = {
        "part": part.key,
        "question": ask.question,
        "answer": final["answer"],
        "sources": final["sources"],
        "engine": final["engine"],
        "notice": final["notice"],
        "forum_url": final["forum_url"],
    }

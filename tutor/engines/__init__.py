"""The tutor's engines, behind one interface: `stream(question)` yields
{"type": "delta", "text": …} while an answer is written (the LLM engine only) and ends with
{"type": "answer", "answer": Answer}. `engine_for_site()` picks the configured one."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from learn.content import Part

from ..context import LearnerContext
from ..retrieval import Hit


@dataclass
class Question:
    text: str
    part: Part
    hits: list[Hit]
    context: LearnerContext


@dataclass
class Answer:
    markdown: str
    sources: list[dict]
    engine: str
    notice: str = ""
    tokens: int = 0
    extra: dict = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def stream(self, question: Question) -> Iterator[dict]: ...


def engine_for_site() -> Engine:
    """The LLM engine when TUTOR_LLM_URL and TUTOR_LLM_MODEL are set, else the built-in one."""
    from .builtin import BuiltinEngine
    from .llm import LLMEngine

    if settings.TUTOR_LLM_URL and settings.TUTOR_LLM_MODEL:
        return LLMEngine(
            url=settings.TUTOR_LLM_URL,
            model=settings.TUTOR_LLM_MODEL,
            api_key=settings.TUTOR_LLM_API_KEY,
            timeout=settings.TUTOR_LLM_TIMEOUT,
        )
    return BuiltinEngine()

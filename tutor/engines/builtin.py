"""The built-in engine (no network): the best section's most relevant paragraphs, the other
sections worth reading, the learner's last error explained and their kernel's shapes."""

import re
from collections.abc import Iterator

from ..explain import describe_variable, explain_error
from ..models import Document
from ..retrieval import Hit, query_terms
from . import Answer, Question

NAME = "built-in"
EXTRACT_CHARS = 900
SECTIONS_CITED = 3
VARIABLES_SHOWN = 8
ERROR_WORDS = re.compile(r"error|wrong|fail|broke|crash|exception|traceback|doesn'?t work", re.I)
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _stem(word: str) -> str:
    return word[:5]


FENCED = re.compile(r"^(```|:::|\$\$).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
TABLE_ROW = re.compile(r"^\|(.+)\|\s*$")


def _units(text: str) -> list[tuple[str, str]]:
    """(sub-heading, paragraph) pairs of a section's prose, without code, directives or
    display maths; a table row becomes a "**term**: text" line."""
    text = FENCED.sub("", text)
    heading, units = "", []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if block.startswith("#"):
            heading = block.lstrip("#").strip()
            continue
        if block.startswith("|"):
            for line in block.splitlines():
                match = TABLE_ROW.match(line.strip())
                cells = [c.strip() for c in match.group(1).split("|")] if match else []
                if len(cells) >= 2 and not set(cells[0]) <= set("-: "):
                    units.append((heading, f"**{cells[0]}**: {' · '.join(cells[1:])}"))
            continue
        if not block or block.startswith(("<", "{", ":")):
            continue
        units.append((heading, block))
    return units


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z][a-z0-9_]*", text.lower())}


def extract(text: str, terms: list[str], limit: int = EXTRACT_CHARS) -> str:
    """The paragraphs of a section that share most words with the question (a sub-heading
    counts for the paragraphs under it), in their order, within `limit` characters."""
    stems = {_stem(term) for term in terms}
    units = _units(text)
    if not units:
        return ""
    scores = [
        2 * len(_stems(body) & stems) + 3 * len(_stems(heading) & stems) for heading, body in units
    ]
    ranked = sorted(range(len(units)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for index in ranked:
        size = len(units[index][1])
        if chosen and (used + size > limit or scores[index] == 0):
            break
        chosen.append(index)
        used += size
    lines, last_heading = [], None
    for index in sorted(chosen):
        heading, body = units[index]
        if heading and heading != last_heading:
            lines.append(f"*{heading}:*")
        last_heading = heading
        lines.append(body)
    text = "\n\n".join(lines)
    if len(text) > limit + 300:
        text = text[:limit].rsplit(". ", 1)[0] + ". …"
    return text


def source_of(document: Document) -> dict:
    """A citation as the API gives it: {"section", "title", "url"}."""
    return {"section": document.section, "title": document.title, "url": document.url}


def _variables_markdown(question: Question) -> str:
    variables = question.context.variables
    if not variables:
        return ""
    mentioned = set(IDENT.findall(question.text + " " + question.context.code))
    error = question.context.error or {}
    mentioned |= set(IDENT.findall(error.get("evalue", "") + " ".join(error.get("traceback", []))))
    ordered = sorted(
        variables, key=lambda v: (v["name"] not in mentioned, "shape" not in v, v["name"])
    )
    shown = [describe_variable(v) for v in ordered[:VARIABLES_SHOWN]]
    more = len(variables) - len(shown)
    tail = f" (and {more} more)" if more > 0 else ""
    return "**In your kernel now:** " + "; ".join(shown) + tail + "."


def _lesson_markdown(question: Question, sections: list[Hit], others: list[Hit]) -> str:
    terms = query_terms(question.text)
    best = sections[0].document
    quoted = extract(best.prose, terms)
    if quoted:
        parts = [f"**From [{best.title}]({best.url}):**", quoted]
    else:
        parts = [f"Read [{best.title}]({best.url})."]
    for hit in others[:2]:
        document = hit.document
        if document.kind == Document.Kind.FORUM:
            parts.append(
                f"**An accepted forum answer, [{document.title}]({document.url}):**\n\n"
                + extract(document.prose, terms, limit=500)
            )
        elif document.kind == Document.Kind.CARD:
            parts.append(f"**Key idea, {document.title}:** {document.prose}")
    if len(sections) > 1:
        links = ", ".join(f"[{hit.document.title}]({hit.document.url})" for hit in sections[1:])
        parts.append(f"Read next: {links}.")
    return "\n\n".join(p for p in parts if p)


def compose(question: Question) -> Answer:
    """The built-in answer to a question, in Markdown, with its sources."""
    hits = question.hits
    sections = [h for h in hits if h.document.kind == Document.Kind.SECTION][:SECTIONS_CITED]
    others = [h for h in hits if h.document.kind != Document.Kind.SECTION]
    blocks: list[str] = []
    error = question.context.error
    error_block = explain_error(error, question.part) if error else ""
    error_first = bool(error) and (
        ERROR_WORDS.search(question.text) or error.get("ename", "") in question.text
    )
    if error_block and error_first:
        blocks.append(error_block)
    if question.context.cell_label:
        blocks.append(f"You asked about **{question.context.cell_label}**.")
    if sections:
        blocks.append(_lesson_markdown(question, sections, others))
    elif not error_block:
        blocks.append(
            f"I could not find that in Part {question.part.number}'s text. Try naming the idea "
            "in other words (for example the name of a function or a term from a heading), or "
            "ask the forum below."
        )
    if error_block and not error_first:
        blocks.append(error_block)
    if variables := _variables_markdown(question):
        blocks.append(variables)
    used = sections + others[:2]
    sources = [source_of(hit.document) for hit in used]
    return Answer(markdown="\n\n".join(blocks), sources=sources, engine=NAME)


class BuiltinEngine:
    """Retrieval plus the error explainer; always answers, never calls out."""

    name = NAME

    def stream(self, question: Question) -> Iterator[dict]:
        yield {"type": "answer", "answer": compose(question)}

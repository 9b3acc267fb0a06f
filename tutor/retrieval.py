"""Full-text retrieval over a part's sections, concept cards and accepted forum answers.

The lesson documents of a part are rebuilt when its file changes (keyed on the file's mtime and
size, like learn.content's cache); forum answers are brought up to date on every question
(one query for the answers, one for what is indexed). SQLite searches the FTS5 table of
migration 0002 (BM25); PostgreSQL uses search vectors and ts_rank.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.urls import reverse

from forum.selectors import accepted_answers_for_part
from learn.content import Cell, Exercise, Part, Prose

from .models import Document, IndexStamp

WORD = re.compile(r"[a-z][a-z0-9_]*")
_STOP_TEXT = """
a about above after again all am an and any are as at be because been before being below
between both but by can could did do does doing done don down during each few for from
further get gets getting got had has have having he her here hers how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our out over
own same she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself always still stay stays keep keeps mean means meaning use
used using need needs thing things happen happens one get instead work works really actually
please explain tell know understand doesn t s isn
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Words a beginner types for an idea the lessons name differently.
SYNONYMS = {
    "nan": ("nan", "overflow", "diverge", "inf"),
    "nans": ("nan", "overflow", "diverge"),
    "epoch": ("epoch", "epochs"),
    "slow": ("learning", "rate", "steps"),
    "50": ("chance", "guess"),
    "random": ("random", "chance"),
    "memorise": ("memorise", "overfitting"),
    "memorize": ("memorise", "overfitting"),
    "overfit": ("overfitting", "memorise"),
    "overfitting": ("overfitting", "memorise"),
    "dead": ("dead", "relu"),
    "derivative": ("gradient", "slope"),
    "derivatives": ("gradient", "slope"),
    "shapes": ("shape", "shapes"),
    "pytorch": ("pytorch", "framework", "torch"),
    "tensorflow": ("framework", "keras"),
}
MAX_TERMS = 24


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float  # larger is better


# -- building the index ------------------------------------------------------------------------
def _part_stamp(part: Part) -> str:
    try:
        stat = part.path.stat()
    except OSError:
        return "missing"
    return f"{part.path}|{stat.st_mtime_ns}|{stat.st_size}"[-100:]


def _section_documents(part: Part) -> list[Document]:
    base = reverse("learn:lesson", args=[part.track, part.slug])
    documents = []
    for section in part.sections:
        prose, code = [], []
        for block in section.blocks:
            if isinstance(block, Prose):
                prose.append(block.text)
            elif isinstance(block, Cell):
                code.append(block.source)
            elif isinstance(block, Exercise):  # the prompt is prose; hints and solution stay out
                code.append(block.starter)
        documents.append(
            Document(
                part_key=part.key,
                kind=Document.Kind.SECTION,
                section=section.number,
                title=f"{section.number} {section.title}",
                url=f"{base}#{section.anchor}",
                prose="\n\n".join(prose),
                code="\n\n".join(code),
            )
        )
    for card in part.cards:
        documents.append(
            Document(
                part_key=part.key,
                kind=Document.Kind.CARD,
                section="card",
                title=f"{card.label}: {card.heading}",
                url=f"{base}#cards-heading",
                prose=card.text,
            )
        )
    return documents


def index_part(part: Part) -> None:
    """Rebuild a part's lesson documents if its file changed since they were built."""
    stamp = _part_stamp(part)
    if IndexStamp.objects.filter(part_key=part.key, stamp=stamp).exists():
        return
    with transaction.atomic():
        row, _ = IndexStamp.objects.select_for_update().get_or_create(
            part_key=part.key, defaults={"stamp": ""}
        )
        if row.stamp == stamp:  # another request rebuilt it meanwhile
            return
        kinds = [Document.Kind.SECTION, Document.Kind.CARD]
        Document.objects.filter(part_key=part.key, kind__in=kinds).delete()
        Document.objects.bulk_create(_section_documents(part))
        row.stamp = stamp
        row.save(update_fields=["stamp"])


def index_forum(part_key: str) -> None:
    """Bring the part's accepted forum answers in the index up to date."""
    wanted = {f"post:{a['id']}": a for a in accepted_answers_for_part(part_key)}
    have = {
        d.source: d
        for d in Document.objects.filter(part_key=part_key, kind=Document.Kind.FORUM).only(
            "id", "source", "stamp"
        )
    }
    stale = [d.pk for source, d in have.items() if wanted.get(source, {}).get("stamp") != d.stamp]
    fresh = [
        Document(
            part_key=part_key,
            kind=Document.Kind.FORUM,
            section="forum",
            title=answer["title"][:300],
            url=answer["url"][:300],
            prose=answer["body"],
            source=source,
            stamp=answer["stamp"],
        )
        for source, answer in wanted.items()
        if source not in have or have[source].pk in stale
    ]
    if stale or fresh:
        with transaction.atomic():
            Document.objects.filter(pk__in=stale).delete()
            Document.objects.bulk_create(fresh)


# -- searching ---------------------------------------------------------------------------------
def query_terms(text: str) -> list[str]:
    """The words of a question worth searching for, with a few beginner synonyms added."""
    terms: list[str] = []
    for word in WORD.findall(text.lower().replace("%", " ")) + re.findall(r"\b50\b", text):
        if word in STOP_WORDS or len(word) < 2:
            continue
        for term in SYNONYMS.get(word, (word,)):
            if term not in terms:
                terms.append(term)
    return terms[:MAX_TERMS]


def search(part_key: str, text: str, *, limit: int = 5) -> list[Hit]:
    """The documents of a part best matching `text`, best first."""
    terms = query_terms(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(part_key, terms, limit)
    return _search_sqlite(part_key, terms, limit)


def _search_sqlite(part_key: str, terms: list[str], limit: int) -> list[Hit]:
    match = " OR ".join(f'"{term}"' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, bm25(tutor_document_fts, 8.0, 1.0, 0.25) AS score "
            "FROM tutor_document_fts JOIN tutor_document d ON d.id = tutor_document_fts.rowid "
            "WHERE tutor_document_fts MATCH %s AND d.part_key = %s ORDER BY score LIMIT %s",
            [match, part_key, limit],
        )
        rows = cursor.fetchall()
    documents = Document.objects.in_bulk([row[0] for row in rows])
    return [Hit(documents[pk], -score) for pk, score in rows if pk in documents]


def _search_postgresql(part_key: str, terms: list[str], limit: int) -> list[Hit]:
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("prose", weight="B", config="english")
        + SearchVector("code", weight="D", config="english")
    )
    query = SearchQuery(" | ".join(terms), search_type="raw", config="english")
    found = (
        Document.objects.filter(part_key=part_key)
        .annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "pk")[:limit]
    )
    return [Hit(document, float(document.rank)) for document in found]


def cell_section(part: Part, cell_id: str) -> Hit | None:
    """The section a cell belongs to (a setup cell counts towards the first), as a hit."""
    number = next((n for n, ids in part.section_cells.items() if cell_id in ids), None)
    if number is None:
        return None
    document = Document.objects.filter(
        part_key=part.key, kind=Document.Kind.SECTION, section=number
    ).first()
    return Hit(document, 0.0) if document else None

"""The tutor's search index (lesson sections, concept cards, accepted forum answers) and the
questions members asked."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Document(models.Model):
    """One retrievable piece of text about a lesson part. On SQLite an FTS5 table
    (tutor_document_fts, created by migration 0002) mirrors it through triggers; on
    PostgreSQL it is searched with full-text search vectors."""

    class Kind(models.TextChoices):
        SECTION = "section", "Lesson section"
        CARD = "card", "Concept card"
        FORUM = "forum", "Forum answer"

    part_key = models.CharField(max_length=120, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    section = models.CharField(max_length=20, blank=True)  # "5.3" for a section
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    prose = models.TextField(blank=True)
    code = models.TextField(blank=True)
    source = models.CharField(max_length=64, blank=True)  # "post:12" for a forum answer
    stamp = models.CharField(max_length=100, blank=True)  # the post's edit time, for reindexing

    def __str__(self) -> str:
        return f"{self.part_key} · {self.title}"


class IndexStamp(models.Model):
    """The lesson file version a part's documents were built from (its mtime and size)."""

    part_key = models.CharField(max_length=120, unique=True)
    stamp = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.part_key} @ {self.stamp}"


class Exchange(models.Model):
    """A member's question to the tutor on a part, and the answer they got."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_exchanges"
    )
    part_key = models.CharField(max_length=120)
    question = models.TextField()
    answer_html = models.TextField()  # sanitised when the answer was made
    sources = models.JSONField(default=list)
    engine = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "part_key", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.part_key} · {self.question[:40]}"

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class FieldReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now()).order_by(
            "-published_at"
        )


class FieldReport(models.Model):
    """A monthly note on what shipped, what broke, and what we learned."""

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField(default=timezone.now)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Reports written as files (fieldreports/reports/*.md) remember their file; `manage.py
    # fieldreports sync` updates those and leaves reports written in the admin alone.
    source_file = models.CharField(max_length=200, blank=True, editable=False)

    objects = FieldReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("fieldreports:detail", args=[self.slug])

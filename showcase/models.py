"""Members' projects in the showcase, with their tags, likes and comments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from learn import catalog

from .links import validate_web_link


class Tag(models.Model):
    """A short lowercase label such as `numpy` or `plots`; see `showcase.tags` for the rules."""

    name = models.SlugField(max_length=24, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('showcase:index')}?tag={self.name}"


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Project.Status.PUBLISHED)

    def visible_to(self, user):
        """Published projects, plus the member's own drafts."""
        if user.is_authenticated:
            return self.filter(Q(status=Project.Status.PUBLISHED) | Q(author=user))
        return self.published()

    def for_cards(self):
        """What a project card shows: author and profile joined, tags fetched in one query."""
        return self.select_related("author", "author__profile").prefetch_related("tags")


class Project(models.Model):
    """Something a member built, shown as a card in the gallery and on its own page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=20_000, blank=True, help_text="Markdown.")
    repository_url = models.URLField(max_length=300, blank=True, validators=[validate_web_link])
    demo_url = models.URLField(max_length=300, blank=True, validators=[validate_web_link])
    tags = models.ManyToManyField(Tag, blank=True, related_name="projects")
    # Stored through Django's storage API; bytes are always a fresh re-encoding (see covers.py).
    cover = models.FileField(upload_to="showcase/covers/", max_length=200, blank=True)
    cover_width = models.PositiveIntegerField(null=True, blank=True)
    cover_height = models.PositiveIntegerField(null=True, blank=True)
    # "track/part" of the lesson the project grew out of, checked against learn.catalog.
    part_key = models.CharField("built from", max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_featured = models.BooleanField(default=False)
    featured_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="project_new"),
            models.Index(fields=["status", "-like_count"], name="project_top"),
            models.Index(fields=["is_featured", "-featured_at"], name="project_featured"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("showcase:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def part(self) -> catalog.PartRef | None:
        return catalog.get_part(self.part_key) if self.part_key else None


class Like(models.Model):
    """One member likes one project, at most once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_like_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} likes {self.project}"


class Comment(models.Model):
    """A comment on a project, or a reply to one (threads are one level deep)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=5000, help_text="Markdown.")
    # A deleted comment that has replies stays as a placeholder so the thread still reads.
    is_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.project}"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#comment-{self.pk}"

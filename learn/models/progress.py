from django.conf import settings
from django.db import models


class ProgressMark(models.Model):
    """One fact about a member's progress in a part: a cell ran without error, or a section
    without runnable cells was read. Marks are only ever added (insert-or-ignore on the
    unique constraint), so simultaneous runs cannot lose one another's marks."""

    class Kind(models.TextChoices):
        CELL = "cell", "Cell ran without error"
        READ = "read", "Section read"
        PASS = "pass", "Exercise passed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_marks"
    )
    track = models.SlugField(max_length=80)
    part = models.SlugField(max_length=80)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    key = models.CharField(
        max_length=64, help_text="The cell id, the section number, or the exercise id."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track", "part", "kind", "key"], name="learn_progressmark_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="learn_mark_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.track}/{self.part} {self.kind}:{self.key}"

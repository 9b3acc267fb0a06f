from django.conf import settings
from django.db import models
from django.db.models import Q


class Pin(models.Model):
    """A plot a learner pinned from a cell's output, shown in the lesson's right rail.

    Owned by a member, or by a visitor's token kept in their session until they sign in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_pins",
        null=True,
        blank=True,
    )
    visitor = models.CharField(max_length=43, blank=True, db_index=True)
    track = models.SlugField(max_length=80)
    part = models.SlugField(max_length=80)
    cell_id = models.CharField(max_length=64)
    image = models.ImageField(upload_to="pins/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(visitor=""))
                | (Q(user__isnull=True) & ~Q(visitor="")),
                name="learn_pin_one_owner",
            )
        ]
        indexes = [models.Index(fields=["user", "track", "part"], name="learn_pin_owner_part")]

    def __str__(self) -> str:
        return f"Pin {self.pk} of {self.track}/{self.part} {self.cell_id}"

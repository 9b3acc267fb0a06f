from django.conf import settings
from django.db import models


class ScratchCell(models.Model):
    """A member's own cell in a part's full lab, kept on the server so it follows them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scratch_cells"
    )
    track = models.SlugField(max_length=80)
    part = models.SlugField(max_length=80)
    number = models.PositiveSmallIntegerField()  # the n of its cell id "scratch-<n>"
    position = models.PositiveSmallIntegerField()
    code = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track", "part", "number"], name="learn_scratch_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"scratch-{self.number} of {self.track}/{self.part}"

"""What a member's kernel held: the cells that last ran successfully, to replay (SPEC 10)."""

from django.conf import settings
from django.db import models


class RunHistory(models.Model):
    """Per member and part, the ordered cells that last ran successfully, with the code that
    ran (the learner's own edits). Bounded by SANDBOX_HISTORY_CELLS and _BYTES."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    track = models.CharField(max_length=100)
    part = models.CharField(max_length=100)
    # [{"cell": id, "code": source, "filename": "<cell 003>"}, …] in the order they first ran
    cells = models.JSONField(default=list)
    # The kernel was replaced (a limit stopped it): replay before the next run.
    fresh = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "run history"
        verbose_name_plural = "run histories"
        constraints = [
            models.UniqueConstraint(fields=["user", "track", "part"], name="one_history_per_part")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.track}/{self.part}: {len(self.cells)} cells"

from django.conf import settings
from django.db import models


class ExerciseState(models.Model):
    """A member's state on one exercise: how far up the hint ladder they climbed, whether they
    saw the solution, whether (and how) they passed, and the last check's status. Passing also
    adds a `ProgressMark` of kind "pass", which is what section progress counts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_states"
    )
    track = models.SlugField(max_length=80)
    part = models.SlugField(max_length=80)
    exercise = models.CharField(max_length=64)
    hints_used = models.PositiveSmallIntegerField(default=0)
    solution_revealed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    passed_with_solution = models.BooleanField(
        default=False, help_text="First passed after the solution was revealed."
    )
    last_status = models.CharField(max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track", "part", "exercise"], name="learn_exercisestate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.track}/{self.part} {self.exercise}"

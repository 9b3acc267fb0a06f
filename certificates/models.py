"""A certificate: proof that a member completed a track, verifiable by anyone with its code."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_code() -> str:
    """An unguessable code for the public address (128 random bits)."""
    return secrets.token_urlsafe(16)


class CertificateQuerySet(models.QuerySet):
    def public(self) -> "CertificateQuerySet":
        """Certificates anyone may verify: neither revoked by staff nor hidden by their owner."""
        return self.filter(revoked_at__isnull=True, hidden=False)


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    track = models.SlugField(max_length=80)
    track_title = models.CharField(max_length=200)
    code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    # What the certificate says, fixed when it was issued: later lesson edits do not change it.
    name = models.CharField(max_length=60)
    parts_done = models.PositiveSmallIntegerField()
    sections_done = models.PositiveSmallIntegerField()
    exercises_done = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False, help_text="Hidden by its owner: not verifiable.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="one_certificate_per_track")
        ]
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.name} · {self.track_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.code])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

"""Issuing, hiding and revoking certificates."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agenticworks.accounts.services import profile_for
from learn import progress
from learn.content import library

from .models import Certificate


def track_completion(user: AbstractBaseUser, track_slug: str) -> dict | None:
    """{"complete", "parts_done", "parts", "sections_done", "sections", "exercises_done",
    "exercises"} for a member, or None when there is no such track. A part is done when all
    its sections are, and a section holding exercises only when they passed."""
    track = library().track(track_slug)
    if track is None:
        return None
    rows = [
        row for row in progress.track_progress_for_user(user) if row["part"].track == track.slug
    ]
    parts_done = sum(1 for row in rows if row["total"] and row["done"] == row["total"])
    return {
        "title": track.title,
        "complete": bool(rows) and parts_done == len(rows),
        "parts_done": parts_done,
        "parts": len(rows),
        "sections_done": sum(row["done"] for row in rows),
        "sections": sum(row["total"] for row in rows),
        "exercises_done": sum(row["exercises_done"] for row in rows),
        "exercises": sum(row["exercises_total"] for row in rows),
    }


def certificate_issue(*, user: AbstractBaseUser, track_slug: str) -> Certificate:
    """The member's certificate for a track, issued now if they completed it.

    ValidationError when the track does not exist or is not complete yet."""
    existing = Certificate.objects.filter(user=user, track=track_slug).first()
    if existing is not None:
        return existing
    completion = track_completion(user, track_slug)
    if completion is None:
        raise ValidationError("There is no such track.")
    if not completion["complete"]:
        raise ValidationError(
            f"Finish every part first: {completion['parts_done']} of {completion['parts']} "
            "parts are done."
        )
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                track=track_slug,
                track_title=completion["title"],
                name=profile_for(user).name,
                parts_done=completion["parts_done"],
                sections_done=completion["sections_done"],
                exercises_done=completion["exercises_done"],
            )
    except IntegrityError:  # issued by a request that ran at the same time
        return Certificate.objects.get(user=user, track=track_slug)


def certificate_set_hidden(*, certificate: Certificate, hidden: bool) -> Certificate:
    """The owner hides their certificate from verification, or shows it again."""
    certificate.hidden = hidden
    certificate.save(update_fields=["hidden"])
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Staff revoke a certificate; its page then says nothing about the member."""
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate

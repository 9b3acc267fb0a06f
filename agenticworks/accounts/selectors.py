"""Reads for the Network: the member directory and what a public profile shows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from forum.selectors import member_activity
from learn.progress import track_progress_for_user
from showcase.selectors import projects_by

from .models import Profile

PROFILE_PROJECTS = 6


def member_directory(*, query: str = "") -> QuerySet:
    """Active members, newest first, each with their profile and published project count."""
    members = (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile")
        .annotate(project_count=Count("projects", filter=Q(projects__status="published")))
        .order_by("-date_joined", "-pk")
    )
    if query:
        members = members.filter(
            Q(username__icontains=query)
            | Q(profile__display_name__icontains=query)
            | Q(profile__location__icontains=query)
        )
    return members


def member_progress(
    member: AbstractBaseUser, profile: Profile, *, viewer: AbstractBaseUser
) -> dict | None:
    """The member's lesson progress if they made it public (or it is their own), else None."""
    if not (profile.progress_public or viewer.pk == member.pk):
        return None
    parts = [row for row in track_progress_for_user(member) if row.get("total")]
    done = sum(row["done"] for row in parts)
    total = sum(row["total"] for row in parts)
    return {
        "parts": parts,
        "done": done,
        "total": total,
        "exercises_done": sum(row.get("exercises_done", 0) for row in parts),
        "exercises_total": sum(row.get("exercises_total", 0) for row in parts),
        "started": [row for row in parts if row["done"] or row.get("exercises_done")],
        "public": profile.progress_public,
    }


def member_profile(member: AbstractBaseUser, profile: Profile, *, viewer: AbstractBaseUser) -> dict:
    """Everything a profile page shows besides the profile itself."""
    projects = list(projects_by(member, viewer=viewer)[: PROFILE_PROJECTS + 1])
    return {
        "progress": member_progress(member, profile, viewer=viewer),
        "projects": projects[:PROFILE_PROJECTS],
        "more_projects": len(projects) > PROFILE_PROJECTS,
        "activity": member_activity(member),
        "certificates": member_certificates(member, viewer=viewer),
    }


def member_certificates(member: AbstractBaseUser, *, viewer: AbstractBaseUser) -> list:
    """The member's certificates: every one for the member, the verifiable ones for others."""
    from certificates.models import Certificate

    rows = Certificate.objects.filter(user=member)
    return list(rows if viewer.pk == member.pk else rows.public())

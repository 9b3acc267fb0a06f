"""Reads for the showcase pages and for other apps (the home page, profiles)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Comment, Like, Project, Tag

SORTS = {
    "new": ("-published_at", "-pk"),
    "top": ("-like_count", "-published_at", "-pk"),
}


def featured_projects(*, limit: int = 3) -> list[Project]:
    """Projects staff featured, most recently featured first, for the home page."""
    return list(
        Project.objects.published()
        .filter(is_featured=True)
        .for_cards()
        .order_by("-featured_at", "-pk")[:limit]
    )


def gallery_projects(*, sort: str = "new", tag: str = "", author: str = "") -> QuerySet[Project]:
    """Published projects for the gallery, sorted by 'new' or 'top', optionally by one tag
    and by one author (username)."""
    projects = Project.objects.published().for_cards()
    if tag:
        projects = projects.filter(tags__name=tag)
    if author:
        projects = projects.filter(author__username=author)
    return projects.order_by(*SORTS.get(sort, SORTS["new"]))


def popular_tags(*, limit: int = 20) -> list[Tag]:
    """The tags on the most published projects, for the gallery's filter."""
    return list(
        Tag.objects.annotate(
            uses=Count("projects", filter=Q(projects__status=Project.Status.PUBLISHED))
        )
        .filter(uses__gt=0)
        .order_by("-uses", "name")[:limit]
    )


def project_comments(project: Project) -> list[Comment]:
    """Top-level comments in order, each with its replies and every author's profile."""
    replies = Comment.objects.select_related("author", "author__profile")
    return list(
        project.comments.filter(parent=None)
        .select_related("author", "author__profile")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )


def has_liked(user: AbstractBaseUser, project: Project) -> bool:
    """Whether this member likes the project (always False for visitors)."""
    return user.is_authenticated and Like.objects.filter(project=project, user=user).exists()


def projects_by(author: AbstractBaseUser, *, viewer: AbstractBaseUser) -> QuerySet[Project]:
    """A member's projects as the viewer may see them: drafts only for the member themself."""
    projects = Project.objects.filter(author=author).for_cards()
    if viewer.pk != author.pk:
        projects = projects.published()
    return projects.order_by("status", "-published_at", "-created_at")

"""Who may see, change and delete projects and comments. Every view opens with one of these."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Comment, Project


def project_for_viewing(user: AbstractBaseUser, pk: int) -> Project:
    """A published project, or the member's own draft; 404 for anything else."""
    project = get_object_or_404(
        Project.objects.select_related("author", "author__profile").prefetch_related("tags"),
        pk=pk,
    )
    if project.is_draft and project.author_id != user.pk:
        raise Http404("No such project.")
    return project


def project_for_editing(user: AbstractBaseUser, pk: int) -> Project:
    """The member's own project; others get 403 (or 404 for a draft they cannot see)."""
    project = project_for_viewing(user, pk)
    if project.author_id != user.pk:
        raise PermissionDenied("Only the author can change this project.")
    return project


def project_for_deleting(user: AbstractBaseUser, pk: int) -> Project:
    """The member's own project, or any project for staff (moderation)."""
    project = get_object_or_404(Project.objects.select_related("author"), pk=pk)
    if project.author_id == user.pk:
        return project
    if user.is_staff and not project.is_draft:
        return project
    if project.is_draft:
        raise Http404("No such project.")
    raise PermissionDenied("Only the author can delete this project.")


def project_for_featuring(user: AbstractBaseUser, pk: int) -> Project:
    """Any published project, for staff only."""
    if not user.is_staff:
        raise PermissionDenied("Only staff can feature projects.")
    return get_object_or_404(Project.objects.published(), pk=pk)


def project_for_liking(user: AbstractBaseUser, pk: int) -> Project:
    """A published project the member may see (the service refuses one's own)."""
    return get_object_or_404(Project.objects.published(), pk=pk)


def can_like(user: AbstractBaseUser, project: Project) -> bool:
    """Whether to offer the like button: members, on someone else's published project."""
    return user.is_authenticated and not project.is_draft and project.author_id != user.pk


def comment_for_deleting(user: AbstractBaseUser, pk: int) -> Comment:
    """The member's own comment, or any comment for staff."""
    comment = get_object_or_404(
        Comment.objects.select_related("project", "parent"), pk=pk, is_removed=False
    )
    if comment.author_id != user.pk and not user.is_staff:
        raise PermissionDenied("Only the author can delete this comment.")
    return comment

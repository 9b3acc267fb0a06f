"""Writes in the showcase: projects, covers, likes, comments, featuring and shared plots.

Each function validates, saves in one transaction and returns what it made. A cover file is
written before the transaction and removed again if the transaction fails, so a failed save
never leaves a stray file, and a replaced or deleted cover is removed only after the commit.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agenticworks.images import CleanImage
from learn import catalog
from learn.figures import RememberedFigure

from .covers import cover_clean, cover_discard, cover_store
from .limits import comment_rate_check, project_rate_check
from .models import Comment, Like, Project, Tag
from .tags import tags_normalise


def _validate_part_key(part_key: str) -> str:
    part_key = (part_key or "").strip()
    if part_key and catalog.get_part(part_key) is None:
        raise ValidationError({"part_key": "Choose one of the lesson parts in the list."})
    return part_key


def _apply_fields(
    project: Project,
    *,
    title: str,
    summary: str,
    description: str,
    repository_url: str,
    demo_url: str,
    part_key: str,
) -> None:
    """Set and check the fields a member types; raise ValidationError keyed by field."""
    project.title = (title or "").strip()
    project.summary = (summary or "").strip()
    project.description = description or ""
    project.repository_url = (repository_url or "").strip()
    project.demo_url = (demo_url or "").strip()
    project.part_key = _validate_part_key(part_key)
    if not project.title:
        raise ValidationError({"title": "Give your project a title."})
    project.full_clean(exclude=["cover", "author"])


def _set_tags(project: Project, names: list[str]) -> None:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    project.tags.set([existing[name] for name in names])


def _publish_state(project: Project, publish: bool) -> None:
    if publish:
        project.status = Project.Status.PUBLISHED
        project.published_at = project.published_at or timezone.now()
    else:
        project.status = Project.Status.DRAFT


def _save_with_cover(project: Project, cover: CleanImage | None, tags: list[str]) -> str:
    """Store the new cover (if any) and save project and tags atomically; return the old name."""
    old_name = project.cover.name if project.pk else ""
    new_name = cover_store(cover) if cover else ""
    try:
        with transaction.atomic():
            if cover:
                project.cover = new_name
                project.cover_width, project.cover_height = cover.width, cover.height
            project.save()
            _set_tags(project, tags)
    except BaseException:
        cover_discard(new_name)
        raise
    return old_name if cover else ""


def project_create(
    *,
    author: AbstractBaseUser,
    title: str,
    summary: str = "",
    description: str = "",
    repository_url: str = "",
    demo_url: str = "",
    tags: list[str] = (),
    part_key: str = "",
    cover: CleanImage | None = None,
    publish: bool = True,
) -> Project:
    """Create a member's project (published, or a draft), with its tags and cover."""
    project = Project(author=author)
    _apply_fields(
        project,
        title=title,
        summary=summary,
        description=description,
        repository_url=repository_url,
        demo_url=demo_url,
        part_key=part_key,
    )
    names = tags_normalise(tags)
    _publish_state(project, publish)
    project_rate_check(author)
    _save_with_cover(project, cover, names)
    return project


def project_update(
    *,
    project: Project,
    title: str,
    summary: str = "",
    description: str = "",
    repository_url: str = "",
    demo_url: str = "",
    tags: list[str] = (),
    part_key: str = "",
    cover: CleanImage | None = None,
    remove_cover: bool = False,
    publish: bool = True,
) -> Project:
    """Change a project; a new cover replaces the old one, whose file goes after the commit."""
    _apply_fields(
        project,
        title=title,
        summary=summary,
        description=description,
        repository_url=repository_url,
        demo_url=demo_url,
        part_key=part_key,
    )
    names = tags_normalise(tags)
    _publish_state(project, publish)
    old_name = ""
    if remove_cover and not cover and project.cover:
        old_name = project.cover.name
        project.cover, project.cover_width, project.cover_height = "", None, None
    replaced = _save_with_cover(project, cover, names)
    for name in {old_name, replaced} - {""}:
        transaction.on_commit(lambda name=name: cover_discard(name))
    return project


def project_delete(*, project: Project) -> None:
    """Delete a project with its likes and comments, then its cover file."""
    name = project.cover.name
    with transaction.atomic():
        project.delete()
        if name:
            transaction.on_commit(lambda: cover_discard(name))


def project_feature(*, project: Project, featured: bool) -> Project:
    """Staff put a published project on the home page, or take it off."""
    if featured and project.is_draft:
        raise ValidationError("Only published projects can be featured.")
    project.is_featured = featured
    project.featured_at = timezone.now() if featured else None
    project.save(update_fields=["is_featured", "featured_at"])
    return project


def like_add(*, project: Project, user: AbstractBaseUser) -> bool:
    """Like a project once; return whether a new like was recorded."""
    if project.author_id == user.pk:
        raise ValidationError("You cannot like your own project.")
    if project.is_draft:
        raise ValidationError("Drafts cannot be liked.")
    with transaction.atomic():
        _, created = Like.objects.get_or_create(project=project, user=user)
        if created:
            Project.objects.filter(pk=project.pk).update(like_count=F("like_count") + 1)
    return created


def like_remove(*, project: Project, user: AbstractBaseUser) -> bool:
    """Take back a like; return whether there was one."""
    with transaction.atomic():
        deleted, _ = Like.objects.filter(project=project, user=user).delete()
        if deleted:
            Project.objects.filter(pk=project.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
    return bool(deleted)


def comment_create(
    *, project: Project, author: AbstractBaseUser, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on a published project, or reply to a comment (replies stay one level deep)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if project.is_draft:
        raise ValidationError("Comments open when the project is published.")
    if parent is not None:
        if parent.project_id != project.pk or parent.is_removed:
            raise ValidationError("That comment is no longer there to reply to.")
        parent = parent.parent or parent  # a reply to a reply joins the same thread
    comment = Comment(project=project, author=author, body=body, parent=parent)
    comment.full_clean(exclude=["project", "author", "parent"])
    comment_rate_check(author)
    with transaction.atomic():
        comment.save()
        Project.objects.filter(pk=project.pk).update(comment_count=F("comment_count") + 1)
    return comment


def comment_delete(*, comment: Comment) -> None:
    """Delete a comment; one that has replies stays as a 'removed' placeholder."""
    with transaction.atomic():
        if comment.replies.exists():
            comment.is_removed, comment.body = True, ""
            comment.save(update_fields=["is_removed", "body"])
        else:
            comment.delete()
            if comment.parent_id:  # a removed placeholder goes with its last reply
                Comment.objects.filter(
                    pk=comment.parent_id, is_removed=True, replies__isnull=True
                ).delete()
        Project.objects.filter(pk=comment.project_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )


def _fence(code: str) -> str:
    """A backtick fence longer than any run of backticks in the code, so the code cannot end it."""
    longest = run = 0
    for char in code:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def figure_description(figure: RememberedFigure, part: catalog.PartRef | None) -> str:
    """The Markdown a shared plot starts with: where it came from and the cell's code."""
    cell = catalog.cell_label(f"{figure.track}/{figure.part}", figure.cell_id)
    if part is not None:
        link = f"{part.get_absolute_url()}#cell-{figure.cell_id}"
        origin = f"[{part.label}, {cell}]({link})"
    else:
        origin = f"{cell} of a lesson"
    fence = _fence(figure.code)
    return (
        f"A plot I made in {origin}.\n\n"
        "Describe what you changed and what you learned here.\n\n"
        f"{fence}python\n{figure.code.rstrip()}\n{fence}\n"
    )


def project_create_from_figure(*, author: AbstractBaseUser, figure: RememberedFigure) -> Project:
    """A draft project with a plot from a lesson cell as its cover, re-validated on the server."""
    cover = cover_clean(figure.png)
    part = catalog.get_part(f"{figure.track}/{figure.part}")
    title = f"Plot from {part.label}" if part else "Plot from a lesson"
    return project_create(
        author=author,
        title=title[:120],
        summary=f"A plot from {catalog.cell_label(part.key if part else '', figure.cell_id)}.",
        description=figure_description(figure, part),
        part_key=part.key if part else "",
        cover=cover,
        publish=False,
    )

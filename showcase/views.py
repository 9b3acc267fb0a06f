from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from learn import catalog
from learn.figures import figure_recall

from . import permissions, selectors, services
from .forms import CommentForm, ProjectForm
from .models import Comment
from .tags import MAX_TAG_LENGTH

PROJECTS_PER_PAGE = 12


def index(request):
    """The gallery: published projects, newest or most liked first, filterable by tag."""
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else "new"
    tag = request.GET.get("tag", "").strip().lower()[:MAX_TAG_LENGTH]
    author = request.GET.get("by", "").strip()[:150]
    projects = selectors.gallery_projects(sort=sort, tag=tag, author=author)
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/index.html",
        {
            "page": page,
            "sort": sort,
            "tag": tag,
            "author": author,
            "tags": selectors.popular_tags(),
        },
    )


def _detail(request, project, *, comment_form=None, reply_form=None, reply_to=None, status=200):
    return render(
        request,
        "showcase/detail.html",
        {
            "project": project,
            "comments": selectors.project_comments(project),
            "liked": selectors.has_liked(request.user, project),
            "can_like": permissions.can_like(request.user, project),
            "comment_form": comment_form or CommentForm(),
            "reply_form": reply_form,
            "reply_to": reply_to,
        },
        status=status,
    )


def detail(request, pk: int):
    project = permissions.project_for_viewing(request.user, pk)
    return _detail(request, project)


def _save_project(request, form, *, project=None):
    """Run the create or update service for a valid form; return the project or None."""
    publish = request.POST.get("action") != "draft"
    try:
        if project is None:
            return services.project_create(
                author=request.user, publish=publish, **form.service_kwargs()
            )
        return services.project_update(
            project=project,
            publish=publish,
            remove_cover=form.cleaned_data.get("remove_cover", False),
            **form.service_kwargs(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _saved_message(request, project, *, created: bool) -> None:
    if project.is_draft:
        messages.success(request, "Draft saved. Only you can see it until you publish it.")
    elif created:
        messages.success(request, "Your project is in the showcase.")
    else:
        messages.success(request, "Your changes are saved.")


@login_required
def create(request):
    form = ProjectForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        project = _save_project(request, form)
        if project is not None:
            _saved_message(request, project, created=True)
            return redirect(project)
    return render(request, "showcase/form.html", {"form": form, "project": None})


@login_required
def edit(request, pk: int):
    project = permissions.project_for_editing(request.user, pk)
    form = ProjectForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        saved = _save_project(request, form, project=project)
        if saved is not None:
            _saved_message(request, saved, created=False)
            return redirect(saved)
        project.refresh_from_db()  # the service may have changed fields before refusing
    return render(request, "showcase/form.html", {"form": form, "project": project})


@login_required
def delete(request, pk: int):
    project = permissions.project_for_deleting(request.user, pk)
    if request.method == "POST":
        services.project_delete(project=project)
        messages.success(request, f"“{project.title}” is deleted.")
        return redirect(
            "showcase:mine" if project.author_id == request.user.pk else "showcase:index"
        )
    return render(request, "showcase/confirm_delete.html", {"project": project})


@login_required
def mine(request):
    """The member's own projects, drafts first."""
    projects = selectors.projects_by(request.user, viewer=request.user)
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "showcase/mine.html", {"page": page})


@require_POST
@login_required
def like(request, pk: int):
    project = permissions.project_for_liking(request.user, pk)
    try:
        services.like_add(project=project, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(project)


@require_POST
@login_required
def unlike(request, pk: int):
    project = permissions.project_for_liking(request.user, pk)
    services.like_remove(project=project, user=request.user)
    return redirect(project)


@require_POST
@login_required
def feature(request, pk: int):
    project = permissions.project_for_featuring(request.user, pk)
    featured = request.POST.get("featured") == "1"
    services.project_feature(project=project, featured=featured)
    messages.success(request, "Featured on the home page." if featured else "No longer featured.")
    return redirect(project)


@require_POST
@login_required
def comment(request, pk: int):
    project = permissions.project_for_viewing(request.user, pk)
    form = CommentForm(request.POST)
    valid = form.is_valid()
    parent_id = form.cleaned_data.get("parent")
    parent = Comment.objects.filter(pk=parent_id, project=project).first() if parent_id else None
    if valid:
        try:
            if parent_id and parent is None:
                raise ValidationError("That comment is no longer there to reply to.")
            made = services.comment_create(
                project=project,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(made.get_absolute_url())
    if parent is not None and not parent.is_removed:  # show the errors in the reply's thread
        return _detail(request, project, reply_form=form, reply_to=str(parent.pk))
    return _detail(request, project, comment_form=form)


@require_POST
@login_required
def comment_delete(request, pk: int):
    target = permissions.comment_for_deleting(request.user, pk)
    services.comment_delete(comment=target)
    messages.success(request, "Comment deleted.")
    return redirect(f"{target.project.get_absolute_url()}#comments")


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def share_figure(request):
    """A plot from a lesson cell becomes a draft project, then the member edits it."""
    figure = figure_recall(request, request.POST.get("figure_id", ""))
    part = catalog.get_part(f"{figure.track}/{figure.part}") if figure else None
    back = _back(request, part.get_absolute_url() if part else reverse("showcase:index"))
    if not request.user.is_authenticated:
        messages.info(request, "Sign in to share your plot. Then run the cell again and share it.")
        return redirect_to_login(back)
    if figure is None:
        messages.error(
            request,
            "That plot is no longer available to share: plots are kept for a few hours and "
            "only for the person who made them. Run the cell again, then share the new plot.",
        )
        return redirect(back)
    try:
        project = services.project_create_from_figure(author=request.user, figure=figure)
    except ValidationError as error:
        messages.error(request, f"We could not share that plot. {' '.join(error.messages)}")
        return redirect(back)
    messages.success(
        request,
        "Your plot is in a new draft. Give it a title and a few words, then publish it.",
    )
    return redirect("showcase:edit", pk=project.pk)

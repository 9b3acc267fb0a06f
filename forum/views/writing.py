"""Pages for writing: new topics, replies (with quotes), edits, deletes, likes, answers,
subscriptions and reports. Every form has a Preview button that works without JavaScript."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agenticworks import ratelimit
from learn.catalog import get_part

from .. import permissions, services
from ..forms import EditForm, ReplyForm, ReportForm, TopicForm
from ..models import Category, Post, PostImage
from ..rendering import render_post
from ..sharing import figure_draft
from .reading import post_url
from .refusals import explain_refusals


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the right field (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _preview(request, form) -> str | None:
    if "preview" in request.POST and form.is_valid():
        return render_post(form.cleaned_data["body"]).html
    return None


def _new_topic_initial(request) -> dict:
    initial = {}
    part = get_part(request.GET.get("part", ""))
    if part:
        initial["part_key"] = part.key
    slug = request.GET.get("category", "")
    category = Category.objects.filter(slug=slug).first() if slug else None
    if category is None and part:
        category = Category.objects.filter(slug="lesson-help").first()
    if category:
        initial["category"] = category.pk
    # Prefill from "Ask the forum" under a tutor answer: the question, code and error.
    if title := request.GET.get("title", "").strip():
        initial["title"] = title[:140]
    if body := request.GET.get("body", "").strip():
        initial["body"] = body[: settings.FORUM_POST_MAX_LENGTH]
    image_id = request.GET.get("image", "")
    if image_id.isdigit():
        image = PostImage.objects.filter(pk=image_id, uploader=request.user).first()
        if image:
            initial.update(figure_draft(image))
    return initial


@explain_refusals
@login_required
def new_topic(request):
    permissions.check_can_write(request.user)
    if request.method != "POST":
        form = TopicForm(initial=_new_topic_initial(request))
        return render(request, "forum/topic_form.html", {"form": form})
    form = TopicForm(request.POST)
    preview = _preview(request, form)
    if preview is None and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_create(
                author=request.user,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                part_key=data["part_key"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Your topic is posted.")
            return redirect(topic)
    return render(request, "forum/topic_form.html", {"form": form, "preview": preview})


def _quote(post: Post) -> str:
    lines = post.body.splitlines() or [""]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"> @{post.author.username} [wrote]({post.get_absolute_url()}):\n>\n{quoted}\n\n"


@explain_refusals
@login_required
def reply(request, pk: int):
    topic = permissions.get_topic_for_reply(request.user, pk)
    if request.method != "POST":
        initial = {}
        quote_id = request.GET.get("quote", "")
        if quote_id.isdigit():
            quoted = topic.posts.select_related("author").filter(pk=quote_id).first()
            if quoted and permissions.can_see_post_body(request.user, quoted):
                initial["body"] = _quote(quoted)
        form = ReplyForm(initial=initial)
        return render(request, "forum/reply.html", {"topic": topic, "form": form})
    form = ReplyForm(request.POST)
    preview = _preview(request, form)
    if preview is None and form.is_valid():
        try:
            post = services.post_reply(
                author=request.user, topic=topic, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            post.topic = topic
            return redirect(post_url(post))
    return render(request, "forum/reply.html", {"topic": topic, "form": form, "preview": preview})


@explain_refusals
@login_required
def post_edit(request, pk: int):
    post = permissions.get_post_for_editing(request.user, pk)
    first = post.is_first
    if request.method != "POST":
        initial = {"body": post.body, "title": post.topic.title}
        form = EditForm(initial=initial, first_post=first)
        return render(request, "forum/edit.html", {"post": post, "form": form})
    form = EditForm(request.POST, first_post=first)
    preview = _preview(request, form)
    if preview is None and form.is_valid():
        try:
            services.post_edit(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(post_url(post))
    return render(request, "forum/edit.html", {"post": post, "form": form, "preview": preview})


@explain_refusals
@login_required
def post_delete(request, pk: int):
    post = permissions.get_post_for_editing(request.user, pk)
    if request.method != "POST":
        return render(request, "forum/delete.html", {"post": post})
    services.post_delete(post=post, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "The post is deleted.")
    return redirect(post_url(post))


@explain_refusals
@login_required
@require_POST
def post_like(request, pk: int):
    post = permissions.get_post_for_user(request.user, pk)
    services.like_toggle(post=post, user=request.user)
    return redirect(post_url(post))


@explain_refusals
@login_required
@require_POST
def post_answer(request, pk: int):
    post = permissions.get_post_for_user(request.user, pk)
    topic = post.topic
    clear = request.POST.get("action") == "clear"
    try:
        services.answer_set(topic=topic, post=None if clear else post, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The answer mark is removed." if clear else "Marked as the answer."
        )
    return redirect(post_url(post))


@explain_refusals
@login_required
@require_POST
def topic_subscribe(request, pk: int):
    topic = permissions.get_topic_for_user(request.user, pk)
    subscribed = request.POST.get("subscribed") == "1"
    services.subscription_set(topic=topic, user=request.user, subscribed=subscribed)
    messages.success(
        request,
        "You will be notified of new replies."
        if subscribed
        else "You will no longer be notified of replies here.",
    )
    return redirect(topic)


@explain_refusals
@login_required
def post_report(request, pk: int):
    post = permissions.get_post_for_user(request.user, pk)
    if post.is_deleted:
        raise Http404("That post has been deleted.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                post=post, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Thank you. Moderators will look at the post.")
            return redirect(post_url(post))
    return render(request, "forum/report.html", {"post": post, "form": form})


@explain_refusals
@login_required
@require_POST
def preview(request):
    """The rendered body for the live preview (an enhancement; the Preview button works
    without it)."""
    verdict = ratelimit.hit(f"forum-preview:{request.user.pk}", limit=60, window=60)
    if not verdict.allowed:
        return HttpResponse("Preview paused for a moment.", status=429, content_type="text/plain")
    body = request.POST.get("body", "")[: settings.FORUM_POST_MAX_LENGTH]
    return HttpResponse(render_post(body).html)

"""Moderators' pages: topic tools, hiding posts, the report queue, suspensions and the log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .. import moderation, permissions
from ..forms import MoveForm, ReasonForm, SuspendForm
from ..models import ModerationLog, PostReport, Suspension
from .reading import post_url
from .refusals import explain_refusals
from .writing import _apply_errors

TOPIC_ACTIONS = {
    "pin": (moderation.topic_pin, "pinned", True, "Topic pinned."),
    "unpin": (moderation.topic_pin, "pinned", False, "Topic unpinned."),
    "lock": (moderation.topic_lock, "locked", True, "Topic locked."),
    "unlock": (moderation.topic_lock, "locked", False, "Topic unlocked."),
    "hide": (moderation.topic_hide, "hidden", True, "Topic hidden."),
    "unhide": (moderation.topic_hide, "hidden", False, "Topic restored."),
}


@explain_refusals
@login_required
def topic_moderate(request, pk: int):
    permissions.check_moderator(request.user)
    topic = permissions.get_topic_for_user(request.user, pk)
    reason_form = ReasonForm(request.POST or None)
    move_form = MoveForm(request.POST or None, initial={"category": topic.category_id})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "move":
                if move_form.is_valid():
                    moderation.topic_move(
                        topic=topic,
                        by=request.user,
                        category=move_form.cleaned_data["category"],
                        reason=move_form.cleaned_data["reason"],
                    )
                    messages.success(request, f"Topic moved to {topic.category.name}.")
                    return redirect(topic)
            elif action in TOPIC_ACTIONS and reason_form.is_valid():
                function, flag, value, done = TOPIC_ACTIONS[action]
                function(
                    topic=topic, by=request.user, reason=reason_form.cleaned_data["reason"],
                    **{flag: value},
                )  # fmt: skip
                messages.success(request, done)
                return redirect(topic)
        except ValidationError as error:
            _apply_errors(move_form if action == "move" else reason_form, error)
    log = ModerationLog.objects.filter(topic=topic).select_related("actor", "target")[:20]
    return render(
        request,
        "forum/moderate_topic.html",
        {"topic": topic, "reason_form": reason_form, "move_form": move_form, "log": log},
    )


@explain_refusals
@login_required
def post_hide(request, pk: int):
    permissions.check_moderator(request.user)
    post = permissions.get_post_for_user(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hidden = request.POST.get("action") != "unhide"
        try:
            moderation.post_hide(
                post=post, by=request.user, hidden=hidden, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Post hidden." if hidden else "Post restored.")
            return redirect(post_url(post))
    return render(request, "forum/hide_post.html", {"post": post, "form": form})


@explain_refusals
@login_required
def queue(request):
    permissions.check_moderator(request.user)
    posts = list(moderation.open_reports()[:50])
    reports = PostReport.objects.filter(
        post__in=posts, status=PostReport.Status.OPEN
    ).select_related("reporter")
    by_post: dict[int, list] = {}
    for report in reports:
        by_post.setdefault(report.post_id, []).append(report)
    for post in posts:
        post.open_report_list = by_post.get(post.pk, [])
    return render(request, "forum/queue.html", {"posts": posts, "form": ReasonForm()})


@explain_refusals
@login_required
def reports_resolve(request, pk: int):
    permissions.check_moderator(request.user)
    post = permissions.get_post_for_user(request.user, pk)
    if request.method == "POST":
        uphold = request.POST.get("action") == "uphold"
        try:
            closed = moderation.reports_resolve(
                post=post, by=request.user, uphold=uphold, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{closed} report(s) closed.")
    return redirect("forum:queue")


@explain_refusals
@login_required
def log(request):
    permissions.check_moderator(request.user)
    entries = ModerationLog.objects.select_related("actor", "target", "topic", "post")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "forum/log.html", {"page": page})


@explain_refusals
@login_required
def member_suspend(request, username: str):
    permissions.check_moderator(request.user)
    member = get_object_or_404(get_user_model(), username=username)
    form = SuspendForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "lift":
                moderation.member_unsuspend(
                    member=member, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, f"{member.username} may post again.")
                return redirect("forum:suspend", username=member.username)
            if form.is_valid():
                moderation.member_suspend(
                    member=member,
                    by=request.user,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, f"{member.username} is suspended.")
                return redirect("forum:suspend", username=member.username)
        except ValidationError as error:
            _apply_errors(form, error)
    current = Suspension.objects.filter(member=member, until__gt=timezone.now()).first()
    history = Suspension.objects.filter(member=member).select_related("by")[:20]
    return render(
        request,
        "forum/suspend.html",
        {"member": member, "form": form, "current": current, "history": history},
    )

"""A member's notifications and how they want to hear about them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import notifications
from ..forms import PreferenceForm
from ..models import Notification, NotificationPreference
from .refusals import explain_refusals


@explain_refusals
@login_required
def notification_list(request):
    notes = Notification.objects.filter(recipient=request.user).select_related(
        "actor__profile", "topic", "post"
    )
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "forum/notifications.html", {"page": page})


@explain_refusals
@login_required
def notification_open(request, pk: int):
    note = get_object_or_404(
        Notification.objects.select_related("post", "topic"), pk=pk, recipient=request.user
    )
    notifications.mark_read(request.user, pk=note.pk)
    return redirect(note.post.get_absolute_url() if note.post else note.topic.get_absolute_url())


@explain_refusals
@login_required
@require_POST
def notifications_read(request):
    count = notifications.mark_read(request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("forum:notifications")


@explain_refusals
@login_required
def notification_settings(request):
    preference, _ = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("forum:notifications")
    return render(request, "forum/notification_settings.html", {"form": form})

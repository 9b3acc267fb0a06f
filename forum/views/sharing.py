"""Share a plot from a lesson cell: POST figure_id, get the new-topic form filled in."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..sharing import figure_share
from .refusals import explain_refusals


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("forum:index")


@explain_refusals
@require_POST
def share_figure(request):
    if not request.user.is_authenticated:
        messages.info(request, "Sign in to share your plot in the forum.")
        return redirect_to_login(_safe_next(request))
    try:
        image = figure_share(request, request.POST.get("figure_id", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_safe_next(request))
    return redirect(reverse("forum:new_topic") + f"?image={image.pk}")

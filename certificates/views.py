"""The public verification page, its image, and the member's claim and visibility buttons."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .image import certificate_png
from .models import Certificate

MISSING = "certificates/missing.html"


def _get_certificate_for_viewer(request, code: str) -> Certificate:
    """The certificate if this viewer may see it: anyone when public, its owner always."""
    certificate = Certificate.objects.select_related("user").filter(code=code).first()
    if certificate is None:
        raise Http404("No such certificate.")
    if certificate.user_id == request.user.id:
        return certificate
    if certificate.revoked_at is not None or certificate.hidden:
        raise Http404("No such certificate.")
    return certificate


def detail(request, code: str):
    try:
        certificate = _get_certificate_for_viewer(request, code)
    except Http404:
        return render(request, MISSING, status=404)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "is_owner": certificate.user_id == request.user.id,
            "image_url": request.build_absolute_uri(
                reverse("certificates:image", args=[certificate.code])
            ),
            "page_url": request.build_absolute_uri(certificate.get_absolute_url()),
        },
    )


def image(request, code: str):
    try:
        certificate = _get_certificate_for_viewer(request, code)
    except Http404:
        return render(request, MISSING, status=404)
    response = HttpResponse(certificate_png(certificate), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.track}.png"'
        )
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
def claim(request, track: str):
    if not request.user.is_authenticated:
        messages.info(
            request,
            "You finished the track. Create an account (or sign in) to receive your "
            "certificate: your progress comes with you.",
        )
        return redirect(f"{reverse('signup')}?next={reverse('learn:track', args=[track])}")
    try:
        certificate = services.certificate_issue(user=request.user, track_slug=track)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learn:track", track)
    return redirect(certificate)


@require_POST
def visibility(request, code: str):
    certificate = Certificate.objects.filter(code=code, user_id=request.user.id).first()
    if certificate is None:
        return render(request, MISSING, status=404)
    hidden = request.POST.get("hidden") == "true"
    services.certificate_set_hidden(certificate=certificate, hidden=hidden)
    messages.success(
        request,
        "Your certificate is hidden: its link now shows nothing."
        if hidden
        else "Your certificate can be verified again by anyone with its link.",
    )
    return redirect(certificate)

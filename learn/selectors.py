from django.http import HttpRequest
from django.urls import reverse


def home_call_to_action(request: HttpRequest) -> dict:
    """The home page's main button: start Track 1, or resume where the learner stopped."""
    return {"label": "Start Track 1", "url": reverse("learn:index")}

"""A stand-in for the lesson page's URL while the lesson engine has not landed in this branch.

`learn:lesson` belongs to the engine; showcase pages link to it ("built from", shared plots).
The `lesson_url_available` fixture swaps in this URLconf only when the real route is missing,
so after the merge it changes nothing.
"""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from agenticworks.urls import urlpatterns as site_urlpatterns
from learn.urls import urlpatterns as learn_urlpatterns


def lesson_stub(request, track: str, part: str):
    return HttpResponse(f"lesson {track}/{part}")


_learn = [*learn_urlpatterns, path("<slug:track>/<slug:part>/", lesson_stub, name="lesson")]

urlpatterns = [
    path("learn/", include((_learn, "learn")))
    if isinstance(pattern, URLResolver) and pattern.namespace == "learn"
    else pattern
    for pattern in site_urlpatterns
]

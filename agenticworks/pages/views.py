from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from agenticworks.fieldreports.models import FieldReport
from forum.selectors import recent_topics
from learn.selectors import home_call_to_action
from showcase.selectors import featured_projects


def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "cta": home_call_to_action(request),
            "recent_topics": recent_topics(request.user, limit=5),
            "featured_projects": featured_projects(limit=3),
            "latest_report": FieldReport.objects.published().first(),
        },
    )


def about(request):
    return render(request, "pages/about.html")


def code_of_conduct(request):
    return render(request, "pages/code_of_conduct.html")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the page must render even when whatever failed would fail again.
    return HttpResponseServerError(loader.get_template("500.html").render())

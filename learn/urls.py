from django.urls import path

from . import kernel_views, views

app_name = "learn"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:track>/<slug:part>/run", kernel_views.run, name="run"),
    path("<slug:track>/<slug:part>/kernel/restart", kernel_views.restart, name="kernel_restart"),
    path(
        "<slug:track>/<slug:part>/kernel/interrupt", kernel_views.interrupt, name="kernel_interrupt"
    ),
]

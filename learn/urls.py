from django.urls import path

from . import exercise_views, kernel_views, scratch_views, views

app_name = "learn"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:track>/", views.track, name="track"),
    path("<slug:track>/<slug:part>/", views.lesson, name="lesson"),
    path("<slug:track>/<slug:part>/notebook.ipynb", views.notebook, name="notebook"),
    path("<slug:track>/<slug:part>/lab/", views.lab, name="lab"),
    path("<slug:track>/<slug:part>/read", views.section_read, name="section_read"),
    path("<slug:track>/<slug:part>/scratch", scratch_views.scratch_cells, name="scratch"),
    path("<slug:track>/<slug:part>/pins/", views.pin, name="pin"),
    path("<slug:track>/<slug:part>/pins/<int:pin_id>/delete", views.unpin, name="unpin"),
    path("<slug:track>/<slug:part>/run", kernel_views.run, name="run"),
    path("<slug:track>/<slug:part>/kernel/restart", kernel_views.restart, name="kernel_restart"),
    path(
        "<slug:track>/<slug:part>/kernel/interrupt", kernel_views.interrupt, name="kernel_interrupt"
    ),
    path(
        "<slug:track>/<slug:part>/exercises/<str:exercise_id>/check",
        exercise_views.check,
        name="exercise_check",
    ),
    path(
        "<slug:track>/<slug:part>/exercises/<str:exercise_id>/hint",
        exercise_views.hint,
        name="exercise_hint",
    ),
    path(
        "<slug:track>/<slug:part>/exercises/<str:exercise_id>/solution",
        exercise_views.solution,
        name="exercise_solution",
    ),
]

from django.urls import path

from . import views

app_name = "tutor"
urlpatterns = [
    path("<slug:track>/<slug:part>/tutor", views.ask, name="ask"),
]

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("claim/<slug:track>/", views.claim, name="claim"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/certificate.png", views.image, name="image"),
    path("<str:code>/visibility", views.visibility, name="visibility"),
]

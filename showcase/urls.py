from django.urls import path

from . import views

app_name = "showcase"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("share/", views.share_figure, name="share_figure"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/like/", views.like, name="like"),
    path("<int:pk>/unlike/", views.unlike, name="unlike"),
    path("<int:pk>/feature/", views.feature, name="feature"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
]

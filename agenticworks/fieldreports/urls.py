from django.urls import path

from . import views

app_name = "fieldreports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("feed/", views.FieldReportFeed(), name="feed"),
    path("<slug:slug>/", views.report_detail, name="detail"),
]

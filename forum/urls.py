from django.urls import path

from .feeds import CategoryTopicsFeed, LatestTopicsFeed
from .views import members, moderating, reading, sharing, writing

app_name = "forum"
urlpatterns = [
    path("", reading.index, name="index"),
    path("latest/", reading.latest, name="latest"),
    path("search/", reading.search_view, name="search"),
    path("feed/", LatestTopicsFeed(), name="feed"),
    path("c/<slug:slug>/", reading.category_detail, name="category"),
    path("c/<slug:slug>/feed/", CategoryTopicsFeed(), name="category_feed"),
    path("new/", writing.new_topic, name="new_topic"),
    path("preview/", writing.preview, name="preview"),
    path("share-figure/", sharing.share_figure, name="share_figure"),
    path("t/<int:pk>/", reading.topic_by_id, name="topic_by_id"),
    path("t/<slug:slug>/<int:pk>/", reading.topic_detail, name="topic"),
    path("t/<int:pk>/unread/", reading.topic_unread, name="topic_unread"),
    path("t/<int:pk>/reply/", writing.reply, name="reply"),
    path("t/<int:pk>/subscribe/", writing.topic_subscribe, name="subscribe"),
    path("t/<int:pk>/moderate/", moderating.topic_moderate, name="moderate_topic"),
    path("p/<int:pk>/", reading.post_detail, name="post"),
    path("p/<int:pk>/revisions/", reading.post_revisions, name="revisions"),
    path("p/<int:pk>/edit/", writing.post_edit, name="edit"),
    path("p/<int:pk>/delete/", writing.post_delete, name="delete"),
    path("p/<int:pk>/like/", writing.post_like, name="like"),
    path("p/<int:pk>/answer/", writing.post_answer, name="answer"),
    path("p/<int:pk>/report/", writing.post_report, name="report"),
    path("p/<int:pk>/hide/", moderating.post_hide, name="hide_post"),
    path("notifications/", members.notification_list, name="notifications"),
    path("notifications/read/", members.notifications_read, name="notifications_read"),
    path("notifications/settings/", members.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/", members.notification_open, name="notification_open"),
    path("moderation/", moderating.queue, name="queue"),
    path("moderation/log/", moderating.log, name="log"),
    path("moderation/reports/<int:pk>/", moderating.reports_resolve, name="resolve_reports"),
    path("moderation/members/<str:username>/", moderating.member_suspend, name="suspend"),
]

from django.urls import reverse


def test_pages_render(member_client, topic, reply, moderator_client, visitor):
    urls = [
        reverse("forum:index"),
        reverse("forum:latest"),
        topic.category.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("forum:new_topic"),
        reverse("forum:reply", args=[topic.pk]) + f"?quote={reply.pk}",
        reverse("forum:edit", args=[topic.posts.first().pk]),
        reverse("forum:notifications"),
        reverse("forum:notification_settings"),
        reverse("forum:search") + "?q=reshape",
        reverse("forum:feed"),
        reverse("forum:category_feed", args=[topic.category.slug]),
        reverse("forum:revisions", args=[reply.pk]),
        reverse("forum:report", args=[reply.pk]),
    ]
    for url in urls:
        response = member_client.get(url)
        assert response.status_code == 200, url
    for url in [reverse("forum:queue"), reverse("forum:log"),
                reverse("forum:moderate_topic", args=[topic.pk]),
                reverse("forum:hide_post", args=[reply.pk]),
                reverse("forum:suspend", args=["ada"])]:  # fmt: skip
        assert moderator_client.get(url).status_code == 200, url
    assert visitor.get(topic.get_absolute_url()).status_code == 200

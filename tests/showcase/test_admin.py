"""The admin: staff list, search and feature projects."""

from django.urls import reverse

from showcase.models import Project

from .factories import make_project


def test_staff_feature_from_the_list(make_member, member, client):
    admin = make_member("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    published = make_project(member, title="Published")
    draft = make_project(member, title="Draft", publish=False)
    url = reverse("admin:showcase_project_changelist")
    assert client.get(url, {"q": "Published"}).status_code == 200
    client.post(
        url, {"action": "feature", "_selected_action": [published.pk, draft.pk]}, follow=True
    )
    assert list(Project.objects.filter(is_featured=True)) == [published]
    client.post(url, {"action": "unfeature", "_selected_action": [published.pk]}, follow=True)
    assert not Project.objects.filter(is_featured=True).exists()
    assert (
        client.get(reverse("admin:showcase_project_change", args=[published.pk])).status_code == 200
    )

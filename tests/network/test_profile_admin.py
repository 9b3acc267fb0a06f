from django.urls import reverse


def test_staff_open_a_profile_in_the_admin(make_member, client):
    admin = make_member("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:accounts_profile_change", args=[admin.profile.pk])
    assert client.get(url).status_code == 200

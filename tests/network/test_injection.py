"""The forum's script-injection corpus through every profile field, on profiles and in the
directory."""

import pytest
from django.urls import reverse

from agenticworks.accounts.forms import ProfileForm
from tests.security.xss_payloads import XSS_PAYLOADS
from tests.showcase.injection import assert_safe_page


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives_in_profiles(visitor, member_client, member, payload):
    data = {
        "display_name": payload[:60],
        "bio": payload,
        "location": payload[:80],
        "website": payload[:300],
        "github": payload[:39],
        "progress_public": "on",
    }
    form = ProfileForm(data, instance=member.profile)
    if not form.is_valid():  # links and GitHub names are refused; keep what is accepted
        for field in form.errors:
            data.pop(field)
        form = ProfileForm(data, instance=member.profile)
        assert form.is_valid(), form.errors
    form.save()

    for client, path in [
        (visitor, reverse("member", args=[member.username])),
        (member_client, reverse("member", args=[member.username])),
        (visitor, reverse("members")),
        (visitor, f"{reverse('members')}?q={payload[:80]}"),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert_safe_page(response.content.decode())


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_profile_form_shows_refused_input_safely(member_client, payload):
    response = member_client.post(
        reverse("profile_edit"),
        {"display_name": payload[:60], "bio": payload, "website": payload, "github": payload},
    )
    assert_safe_page(response.content.decode())

"""The admin shows each runner's isolation layers above the kernel placements."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def test_staff_see_runner_isolation(sandbox, admin_client):
    response = admin_client.get(reverse("admin:learn_kernelplacement_changelist"))
    assert response.status_code == 200
    status = sandbox.status()
    page = response.content.decode()
    assert "Code runners" in page
    assert f"<strong>{status['isolation']}</strong>" in page
    assert "seccomp" in page


def test_unreachable_runner_is_said_plainly(sandbox, admin_client, settings, tmp_path):
    settings.SANDBOX_SOCKET = tmp_path / "gone.sock"
    response = admin_client.get(reverse("admin:learn_kernelplacement_changelist"))
    assert "not reachable" in response.content.decode()

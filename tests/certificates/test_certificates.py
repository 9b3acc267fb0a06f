"""Certificates: issued when a member finishes a track, verifiable by anyone with the link."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from certificates.models import Certificate
from certificates.services import (
    certificate_issue,
    certificate_revoke,
    certificate_set_hidden,
)
from learn.content import library
from learn.models import ProgressMark

CONTENT = Path(__file__).resolve().parents[1] / "learn" / "content"
TRACK = "decision-demo"


@pytest.fixture(autouse=True)
def _fixture_lessons(settings):
    settings.LESSONS_DIR = CONTENT


def finish(user, *, leave_out: str | None = None) -> None:
    """Progress marks for every section of the fixture track, except one section if asked."""
    marks = []
    for part in library().track(TRACK).parts:
        for number, cells in part.section_cells.items():
            if number == leave_out:
                continue
            kind, keys = ("cell", cells) if cells else ("read", [number])
            passed = part.section_exercises.get(number, ())
            marks += [
                ProgressMark(user=user, track=TRACK, part=part.slug, kind="pass", key=e)
                for e in passed
            ]
            marks += [
                ProgressMark(user=user, track=TRACK, part=part.slug, kind=kind, key=k) for k in keys
            ]
    ProgressMark.objects.bulk_create(marks)


def claim(client):
    return client.post(reverse("certificates:claim", args=[TRACK]))


def test_a_member_who_finished_gets_a_certificate_with_their_chosen_name(member_client, member):
    member.profile.display_name = "Ada Lovelace"
    member.profile.save()
    finish(member)
    track_page = member_client.get(reverse("learn:track", args=[TRACK])).content.decode()
    assert "Track complete." in track_page
    assert "Get your certificate" in track_page
    response = claim(member_client)
    certificate = Certificate.objects.get()
    assert response["Location"] == certificate.get_absolute_url()
    assert len(certificate.code) >= 20
    assert (certificate.name, certificate.parts_done) == ("Ada Lovelace", 3)
    assert certificate.exercises_done == 1  # the fixture's one exercise, passed
    # Claiming again returns the same certificate.
    assert claim(member_client)["Location"] == certificate.get_absolute_url()
    assert Certificate.objects.count() == 1
    assert (
        "See your certificate"
        in member_client.get(reverse("learn:track", args=[TRACK])).content.decode()
    )


def test_the_public_page_verifies_it_with_a_preview_for_shared_links(client, member):
    finish(member)
    certificate = certificate_issue(user=member, track_slug=TRACK)
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "completed the track <strong>The Demo Committee</strong>" in html
    assert (
        f'<meta property="og:image" content="http://testserver/certificates/{certificate.code}/certificate.png">'
        in html
    )
    assert 'property="og:title"' in html
    assert "Hide my certificate" not in html  # only the owner may hide it
    image = client.get(reverse("certificates:image", args=[certificate.code]))
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)
    download = client.get(reverse("certificates:image", args=[certificate.code]) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


def test_an_unfinished_track_gives_no_certificate(member_client, member):
    finish(member, leave_out="2.2")
    response = claim(member_client)
    assert response["Location"] == reverse("learn:track", args=[TRACK])
    assert not Certificate.objects.exists()
    page = member_client.get(response["Location"]).content.decode()
    assert "Finish every part first: 2 of 3 parts are done." in page


def test_a_visitor_who_finished_is_asked_to_sign_up_and_keeps_progress(client, db):
    session = client.session
    stored = {}
    for part in library().track(TRACK).parts:
        cells = sorted(c for ids in part.section_cells.values() for c in ids)
        reads = [n for n, ids in part.section_cells.items() if not ids]
        passed = sorted(part.exercise_map)
        stored[f"{TRACK}/{part.slug}"] = {"cell": cells, "read": reads, "pass": passed}
    session["learn_progress"] = stored
    session.save()
    assert (
        "Sign up to receive your certificate"
        in client.get(reverse("learn:track", args=[TRACK])).content.decode()
    )
    response = claim(client)
    assert response["Location"].startswith(reverse("signup"))
    page = client.get(response["Location"]).content.decode()
    assert "Create an account (or sign in) to receive your certificate" in page
    assert client.session["learn_progress"] == stored
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("state", ["missing", "revoked", "hidden"])
def test_missing_revoked_or_hidden_certificates_are_a_kind_404(client, member, state):
    finish(member)
    certificate = certificate_issue(user=member, track_slug=TRACK)
    code = certificate.code
    if state == "missing":
        code = "no-such-code"
    elif state == "revoked":
        certificate_revoke(certificate=certificate, reason="copied work")
    else:
        certificate_set_hidden(certificate=certificate, hidden=True)
    for url in (
        reverse("certificates:detail", args=[code]),
        reverse("certificates:image", args=[code]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no certificate with this code" in response.content.decode()


def test_the_owner_hides_and_shows_it_and_others_cannot(
    member_client, other_member_client, member, client
):
    finish(member)
    certificate = certificate_issue(user=member, track_slug=TRACK)
    url = reverse("certificates:visibility", args=[certificate.code])
    assert other_member_client.post(url, {"hidden": "true"}).status_code == 404
    member_client.post(url, {"hidden": "true"})
    assert client.get(certificate.get_absolute_url()).status_code == 404
    owner_view = member_client.get(certificate.get_absolute_url()).content.decode()
    assert "Hidden: only you can see this page" in owner_view
    member_client.post(url, {"hidden": "false"})
    assert client.get(certificate.get_absolute_url()).status_code == 200


def test_staff_revoke_from_the_admin(make_member, member, client):
    admin = make_member("root", is_staff=True, is_superuser=True)
    finish(member)
    certificate = certificate_issue(user=member, track_slug=TRACK)
    client.force_login(admin)
    changelist = reverse("admin:certificates_certificate_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [certificate.pk]})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    client.logout()
    assert client.get(certificate.get_absolute_url()).status_code == 404


def test_the_profile_lists_certificates(client, member, member_client):
    finish(member)
    certificate = certificate_issue(user=member, track_slug=TRACK)
    profile = reverse("member", args=[member.username])
    assert certificate.get_absolute_url() in client.get(profile).content.decode()
    certificate_set_hidden(certificate=certificate, hidden=True)
    assert certificate.get_absolute_url() not in client.get(profile).content.decode()
    assert "hidden" in member_client.get(profile).content.decode()


def test_claiming_needs_post_and_a_real_track(member_client):
    assert member_client.get(reverse("certificates:claim", args=[TRACK])).status_code == 405
    response = member_client.post(reverse("certificates:claim", args=["no-track"]))
    assert response.status_code == 302
    assert not Certificate.objects.exists()


def test_an_account_without_a_profile_gets_its_certificate(django_user_model, client):
    admin = django_user_model.objects.create_user("shellmade", password="x" * 12)
    finish(admin)
    client.force_login(admin)
    response = claim(client)
    certificate = Certificate.objects.get()
    assert response["Location"] == certificate.get_absolute_url()
    assert certificate.name == "shellmade"

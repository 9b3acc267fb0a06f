import pytest
from django.core import mail

from tests.conftest import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["ada", "ADA", "ada@example.com", "Ada@Example.com"])
def test_sign_in_by_username_or_email(visitor, member, login):
    response = visitor.post("/accounts/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert visitor.get("/").context["user"] == member


@pytest.mark.django_db
def test_wrong_password_shows_a_clear_message_and_keeps_the_username(visitor, member):
    response = visitor.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not match" in html
    assert 'value="ada"' in html


@pytest.mark.django_db
def test_unknown_account_gets_the_same_message(visitor):
    response = visitor.post("/accounts/login/", {"username": "ghost", "password": "nope"})
    assert "do not match" in response.content.decode()


@pytest.mark.django_db
def test_inactive_member_cannot_sign_in(visitor, make_member):
    make_member("banned", is_active=False)
    response = visitor.post("/accounts/login/", {"username": "banned", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_per_account(visitor, member, settings, client):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 3
    for _ in range(3):
        visitor.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    # Even the right password is refused while the account is throttled, from anywhere.
    response = client.post(
        "/accounts/login/",
        {"username": "ADA@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "try again in" in html


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_per_address(visitor, member, other_member, settings):
    settings.LOGIN_THROTTLE_PER_IP = 2
    for name in ["someone", "else"]:
        visitor.post("/accounts/login/", {"username": name, "password": "wrong"})
    response = visitor.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.django_db
def test_success_clears_the_account_counter(visitor, member, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 2
    visitor.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert (
        visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code
        == 302
    )
    visitor.post("/accounts/logout/")
    visitor.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert (
        visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.django_db
def test_sign_out_needs_post(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    assert member_client.post("/accounts/logout/").status_code == 302
    assert not member_client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_password_change(member_client, member):
    response = member_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a brand new phrase 42",
         "new_password2": "a brand new phrase 42"},
    )  # fmt: skip
    assert response["Location"] == "/accounts/password_change/done/"
    member.refresh_from_db()
    assert member.check_password("a brand new phrase 42")


@pytest.mark.django_db
def test_password_change_with_wrong_old_password(member_client):
    response = member_client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "a brand new phrase 42",
         "new_password2": "a brand new phrase 42"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_end_to_end(visitor, member):
    response = visitor.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = visitor.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset phrase 2026 ok", "new_password2": "reset phrase 2026 ok"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    member.refresh_from_db()
    assert member.check_password("reset phrase 2026 ok")


@pytest.mark.django_db
def test_password_reset_for_unknown_email_reveals_nothing(visitor):
    response = visitor.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.django_db
def test_used_reset_link_says_so(visitor):
    html = visitor.get("/accounts/reset/MQ/bad-token/", follow=True).content.decode()
    assert "no longer valid" in html

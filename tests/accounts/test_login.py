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
def test_failed_sign_ins_are_throttled_per_account_and_address(visitor, member, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 3
    for _ in range(3):
        visitor.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    # From the address that failed, even the right password waits.
    response = visitor.post(
        "/accounts/login/", {"username": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "try again in" in html


@pytest.mark.django_db
def test_a_stranger_cannot_lock_the_owner_out(visitor, member, client):
    for _ in range(8):  # the attack from the issue: eight wrong passwords from elsewhere
        visitor.post(
            "/accounts/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    refused = visitor.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert "Too many failed sign-ins" in refused.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="198.51.100.2"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_account_wide_ceiling_stops_a_flood_from_many_addresses(member, client, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT_TOTAL = 6
    for n in range(6):
        client.post(
            "/accounts/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.django_db
def test_ipv6_addresses_of_one_64_count_as_one(member, client, settings):
    settings.LOGIN_THROTTLE_PER_IP = 2
    for n, name in enumerate(["someone", "else"]):
        client.post(
            "/accounts/login/", {"username": name, "password": "x"}, REMOTE_ADDR=f"2001:db8::{n}"
        )
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="2001:db8::ff"
    )
    assert "Too many failed sign-ins" in response.content.decode()


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


RESET_REFUSED = "Too many reset requests"


@pytest.mark.django_db
def test_password_reset_is_throttled_per_account(visitor, client, member, settings):
    settings.PASSWORD_RESET_PER_ACCOUNT = 3
    for n in range(30):
        client.post(
            "/accounts/password_reset/", {"email": "ada@example.com"}, REMOTE_ADDR=f"10.1.0.{n}"
        )
    assert len(mail.outbox) == 3
    refused = client.post(
        "/accounts/password_reset/", {"email": "Ada@Example.com"}, REMOTE_ADDR="10.2.0.1"
    )
    assert refused.status_code == 200
    assert RESET_REFUSED in refused.content.decode()
    assert "Try again in" in refused.content.decode()


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address(client, member, other_member, settings):
    settings.PASSWORD_RESET_PER_IP = 2
    for email in ["ada@example.com", "nobody@example.com"]:
        client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR="10.3.0.1")
    refused = client.post(
        "/accounts/password_reset/", {"email": other_member.email}, REMOTE_ADDR="10.3.0.1"
    )
    assert RESET_REFUSED in refused.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_password_reset_refusal_reads_the_same_for_unknown_emails(client, member, settings):
    settings.PASSWORD_RESET_PER_ACCOUNT = 1
    pages = {}
    for email in ["ada@example.com", "nobody@example.com"]:
        for n in range(2):
            response = client.post(
                "/accounts/password_reset/", {"email": email}, REMOTE_ADDR=f"10.4.{n}.1"
            )
        html = response.content.decode()
        pages[email] = html[html.index('class="form-errors"') :].split("</div>")[0]
    assert RESET_REFUSED in pages["ada@example.com"]
    assert pages["ada@example.com"] == pages["nobody@example.com"]

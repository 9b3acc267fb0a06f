import pytest
from django.contrib.auth import get_user_model

from agenticworks.accounts.models import Profile

GOOD = {
    "username": "newton",
    "email": "newton@example.com",
    "password1": "falling apples 1687",
    "password2": "falling apples 1687",
}


@pytest.mark.django_db
def test_signup_creates_member_with_profile_and_signs_them_in(visitor):
    response = visitor.post("/accounts/signup/", GOOD)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newton")
    assert Profile.objects.filter(user=user).exists()
    assert visitor.get("/").context["user"] == user


@pytest.mark.django_db
def test_signup_returns_to_a_safe_next_page_only(visitor):
    response = visitor.post("/accounts/signup/?next=/about/", GOOD)
    assert response["Location"] == "/about/"


@pytest.mark.django_db
def test_signup_ignores_an_offsite_next(visitor):
    response = visitor.post("/accounts/signup/?next=https://evil.example/", GOOD)
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_duplicate_username_is_refused_case_insensitively_and_input_is_kept(visitor, member):
    response = visitor.post("/accounts/signup/", {**GOOD, "username": "ADA"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "already exists" in form.errors["username"][0]
    html = response.content.decode()
    assert 'value="newton@example.com"' in html  # what the user typed is kept
    assert 'id="id_username_error"' in html  # the message sits next to its field


@pytest.mark.django_db
def test_duplicate_email_is_refused(visitor, member):
    response = visitor.post("/accounts/signup/", {**GOOD, "email": "ADA@example.com"})
    assert "already uses this email" in response.context["form"].errors["email"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("84736291047", "entirely numeric"),
        ("newton12", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(visitor, password, message):
    response = visitor.post(
        "/accounts/signup/", {**GOOD, "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password2"])
    assert not get_user_model().objects.filter(username="newton").exists()


@pytest.mark.django_db
def test_mismatched_passwords(visitor):
    response = visitor.post("/accounts/signup/", {**GOOD, "password2": "something else 99"})
    assert "didn’t match" in " ".join(response.context["form"].errors["password2"])


@pytest.mark.django_db
def test_invalid_email_and_missing_fields(visitor):
    response = visitor.post("/accounts/signup/", {"username": "", "email": "not-an-email"})
    errors = response.context["form"].errors
    assert "required" in errors["username"][0]
    assert "valid email" in errors["email"][0]


@pytest.mark.django_db
def test_signup_is_rate_limited_per_address(visitor, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 1
    visitor.post("/accounts/signup/", GOOD)
    visitor.post("/accounts/logout/")
    response = visitor.post(
        "/accounts/signup/", {**GOOD, "username": "leibniz", "email": "l@example.com"}
    )
    assert response.status_code == 200
    assert "Too many accounts" in response.content.decode()
    assert not get_user_model().objects.filter(username="leibniz").exists()


@pytest.mark.django_db
def test_signed_in_member_visiting_signup_goes_home(member_client):
    assert member_client.get("/accounts/signup/")["Location"] == "/"

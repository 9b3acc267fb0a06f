import pytest


@pytest.mark.django_db
def test_member_edits_their_profile(member_client, member):
    response = member_client.post(
        "/accounts/profile/",
        {"display_name": "Ada L.", "bio": "Counting **engines**.", "location": "London",
         "website": "https://ada.example", "github": "@ada-l", "progress_public": "on"},
    )  # fmt: skip
    assert response["Location"] == "/community/ada/"
    member.profile.refresh_from_db()
    assert member.profile.github == "ada-l"
    page = member_client.get("/community/ada/").content.decode()
    assert "Ada L." in page
    assert "<strong>engines</strong>" in page
    assert 'href="https://github.com/ada-l"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "javascript:alert(1)", "Enter a valid URL"),
        ("website", "ftp://files.example", "http:// or https://"),
        ("github", "bad name!", "letters, digits and hyphens"),
        ("display_name", "x" * 61, "at most 60 characters"),
    ],
)
def test_bad_profile_input_is_refused_next_to_the_field(
    member_client, member, field, value, message
):
    response = member_client.post("/accounts/profile/", {field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    member.profile.refresh_from_db()
    assert getattr(member.profile, field) == ""  # nothing saved


@pytest.mark.django_db
def test_profile_edit_needs_sign_in(visitor):
    response = visitor.get("/accounts/profile/")
    assert response["Location"].startswith("/accounts/login/?next=/accounts/profile/")


@pytest.mark.django_db
def test_bio_markdown_is_sanitized(member_client, member):
    member.profile.bio = (
        "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    member.profile.save()
    page = member_client.get("/community/ada/").content.decode()
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "<img src=x" not in page


@pytest.mark.django_db
def test_account_created_in_the_admin_still_has_a_profile_page(visitor, django_user_model):
    django_user_model.objects.create_user("adminmade", password="x")
    assert visitor.get("/community/adminmade/").status_code == 200


@pytest.mark.django_db
def test_unknown_or_inactive_member_is_not_found(visitor, make_member):
    make_member("gone", is_active=False)
    assert visitor.get("/community/gone/").status_code == 404
    assert visitor.get("/community/nobody/").status_code == 404


@pytest.mark.django_db
def test_network_search_and_query_count(visitor, make_member, django_assert_num_queries):
    for i in range(30):
        make_member(f"learner{i}")
    make_member("turing", email="t@example.com")
    with django_assert_num_queries(2):  # count, then one page of members joined to profiles
        response = visitor.get("/community/?q=turi")
    members = list(response.context["page"].object_list)
    assert [m.username for m in members] == ["turing"]

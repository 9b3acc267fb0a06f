import pytest
from django.urls import reverse

from agenticworks.fieldreports.models import FieldReport

FOOTER_COPY = [
    "Platform",
    "Project",
    "Community",
    "Field reports",
    "Monthly notes on what shipped, what broke, and what we learned.",
    "© 2026 AgenticWorks. Built in public.",
]
TAGLINE = (
    "A community for developers awakening to agentic AI. Hands-on lessons, enterprise-grade "
    "context engineering, and a forum that earns its quiet."
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/about/", "/code-of-conduct/", "/learn/", "/forum/", "/showcase/", "/community/",
     "/field-reports/", "/accounts/signup/", "/accounts/login/", "/accounts/password_reset/"],
)  # fmt: skip
def test_every_page_has_the_site_chrome(visitor, path):
    response = visitor.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["Learn", "Showcase", "Forum", "Community", "Sign in"]:
        assert f">{label}</a>" in html
    for text in FOOTER_COPY:
        assert text in html
    assert 'href="#main"' in html  # skip link for keyboard users


@pytest.mark.django_db
def test_home_shows_the_tagline_and_a_way_into_track_one(visitor):
    html = visitor.get("/").content.decode()
    assert TAGLINE in html
    assert "The Brain’s Decision Committee" in html
    assert 'class="button button-primary"' in html


@pytest.mark.django_db
def test_home_shows_the_latest_published_field_report(visitor):
    FieldReport.objects.create(title="Old news", slug="old", summary="s", body="b")
    FieldReport.objects.create(
        title="Draft", slug="draft", summary="s", body="b", is_published=False
    )
    html = visitor.get("/").content.decode()
    assert "Old news" in html
    assert "Draft" not in html


@pytest.mark.django_db
def test_signed_in_member_sees_the_user_menu_not_sign_in(member_client):
    html = member_client.get("/").content.decode()
    assert "Sign out" in html
    assert ">Sign in</a>" not in html


@pytest.mark.django_db
def test_current_section_is_marked_in_the_navigation(visitor):
    html = visitor.get("/learn/").content.decode()
    assert 'href="/learn/" aria-current="page"' in html


def test_code_of_conduct_covers_every_required_part(client, db):
    html = client.get(reverse("code_of_conduct")).content.decode()
    for heading in ["Scope", "Expected behaviour", "Unacceptable behaviour", "Reporting",
                    "Enforcement"]:  # fmt: skip
        assert f">{heading}</h2>" in html


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_site_look(visitor):
    response = visitor.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "© 2026 AgenticWorks. Built in public." in html


@pytest.mark.django_db
def test_server_error_page_renders_on_its_own(rf):
    from agenticworks.pages.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_permission_denied_page(rf, db):
    from agenticworks.pages.views import permission_denied

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@pytest.mark.django_db
def test_strict_content_security_policy_on_every_page(visitor):
    csp = visitor.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_templates_carry_no_inline_script_or_style(visitor, member_client):
    for client in (visitor, member_client):
        for path in ["/", "/about/", "/accounts/login/", "/community/"]:
            html = client.get(path).content.decode()
            assert "<script>" not in html
            assert " style=" not in html
            assert " onclick=" not in html


@pytest.mark.django_db
def test_field_reports_list_detail_and_feed(visitor):
    FieldReport.objects.create(
        title="November: launch", slug="november", summary="What shipped.", body="**Bold** <b>x</b>"
    )
    assert "November: launch" in visitor.get("/field-reports/").content.decode()
    detail = visitor.get("/field-reports/november/").content.decode()
    assert "<strong>Bold</strong>" in detail
    assert "<b>x</b>" not in detail  # raw HTML is shown as text, never passed through
    feed = visitor.get("/field-reports/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"November: launch" in feed.content


@pytest.mark.django_db
def test_unpublished_report_is_not_found(visitor):
    FieldReport.objects.create(title="t", slug="hidden", summary="s", body="b", is_published=False)
    assert visitor.get("/field-reports/hidden/").status_code == 404


def test_home_heading_is_short_and_the_tagline_follows_it(visitor, db):
    html = visitor.get("/").content.decode()
    assert "<h1>Learn how neural networks work by running real code</h1>" in html
    assert html.index("<h1>") < html.index('<p class="hero-tagline">A community for developers')


def test_sign_in_tab_title_names_the_site_not_the_host(visitor, db):
    html = visitor.get("/accounts/login/").content.decode()  # host "testserver"
    assert "<title>Sign in · AgenticWorks</title>" in html

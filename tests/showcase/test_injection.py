"""The forum's script-injection corpus, through every field of a project and its comments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from showcase import services
from showcase.links import WebLinkField
from showcase.tags import tags_parse
from tests.security.xss_payloads import XSS_PAYLOADS

from .injection import assert_safe_page


def _tags(payload: str) -> list[str]:
    try:
        return tags_parse(payload)[:5]
    except ValidationError:
        return []


def _link(payload: str) -> str:
    try:
        return WebLinkField().clean(payload)
    except ValidationError:
        return ""


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives_in_projects_and_comments(
    visitor, staff_client, other_member_client, member, other_member, payload
):
    project = services.project_create(
        author=member,
        title=payload[:120],
        summary=payload[:200],
        description=payload,
        tags=_tags(payload),
        repository_url=_link(payload),
        demo_url=_link(payload),
    )
    top = services.comment_create(project=project, author=other_member, body=payload)
    services.comment_create(project=project, author=member, body=payload, parent=top)
    services.project_feature(project=project, featured=True)
    member.profile.display_name = payload[:60]
    member.profile.save()

    pages = [
        (visitor, project.get_absolute_url()),
        (other_member_client, project.get_absolute_url()),  # with like and comment forms
        (staff_client, project.get_absolute_url()),
        (visitor, reverse("showcase:index")),
        (visitor, "/"),  # featured on the home page
        (visitor, reverse("member", args=[member.username])),
    ]
    pages += [(visitor, tag.get_absolute_url()) for tag in project.tags.all()]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_safe_page(response.content.decode())


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_refused_input_is_shown_back_safely(member_client, payload):
    """A form that comes back with errors echoes what was typed: as text only."""
    response = member_client.post(
        reverse("showcase:create"),
        {
            "title": "",  # always an error, so the form is shown again with the input
            "summary": payload[:200],
            "description": payload,
            "tags": payload[:200],
            "repository_url": payload[:300],
            "demo_url": payload[:300],
        },
    )
    assert response.status_code == 200
    assert_safe_page(response.content.decode())


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_comment_refused_by_the_limit_is_shown_back_safely(
    other_member_client, member, settings, payload
):
    settings.SHOWCASE_COMMENTS_PER_HOUR_NEW = 0
    project = services.project_create(author=member, title="Plain")
    response = other_member_client.post(
        reverse("showcase:comment", args=[project.pk]), {"body": payload}
    )
    assert response.status_code == 200
    assert_safe_page(response.content.decode())


def test_links_never_keep_a_script_scheme():
    for payload in XSS_PAYLOADS:
        link = _link(payload)
        assert not link or link.startswith(("http://", "https://")), link


@pytest.mark.parametrize(
    "injected",
    [
        "<main><img src=x onerror=alert(1)></main>",
        '<main><form action="javascript:alert(1)"><button>x</button></form></main>',
        "<main><script>alert(1)</script></main>",
    ],
)
def test_the_page_check_catches_what_it_should(injected):
    page = f"<html><head><title>t</title></head><body>{injected}</body></html>"
    with pytest.raises(AssertionError):
        assert_safe_page(page)


def test_the_page_check_catches_markup_in_the_head():
    page = "<html><head><title>t</title><script>alert(1)</script></head><main></main></html>"
    with pytest.raises(AssertionError):
        assert_safe_page(page)

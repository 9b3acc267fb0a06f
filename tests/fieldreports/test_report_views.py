"""Field report pages: the list (newest first), each report's page, and the Atom feed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenticworks.fieldreports.models import FieldReport

LIST = reverse("fieldreports:list")
FEED = reverse("fieldreports:feed")


@pytest.fixture
def reports(db):
    FieldReport.objects.all().delete()  # the launch report the migration installed
    now = timezone.now()
    return [
        FieldReport.objects.create(
            title=title,
            slug=slug,
            summary=f"Summary of {title}.",
            body=f"## {title}\n\nText with `code`.",
            published_at=now - timedelta(days=days),
            is_published=published,
        )
        for title, slug, days, published in [
            ("October", "october", 40, True),
            ("November", "november", 10, True),
            ("Unpublished", "unpublished", 5, False),
            ("Future", "future", -3, True),
        ]
    ]


def test_the_list_is_newest_first_without_drafts_or_future_reports(visitor, reports):
    response = visitor.get(LIST)
    assert [r.title for r in response.context["page"].object_list] == ["November", "October"]
    page = response.content.decode()
    assert "Summary of November." in page
    assert 'type="application/atom+xml"' in page


def test_a_report_has_its_own_page(visitor, reports):
    page = visitor.get(reverse("fieldreports:detail", args=["november"])).content.decode()
    assert "<h1>November</h1>" in page
    assert "<h2>November</h2>" in page
    assert "<code>code</code>" in page


@pytest.mark.parametrize("slug", ["unpublished", "future", "nope"])
def test_unpublished_future_and_unknown_reports_are_404(visitor, reports, slug):
    assert visitor.get(reverse("fieldreports:detail", args=[slug])).status_code == 404


def test_the_atom_feed(visitor, reports):
    response = visitor.get(FEED)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "<title>AgenticWorks field reports</title>" in feed
    assert feed.index("November") < feed.index("October")
    assert "Unpublished" not in feed
    assert "Future" not in feed
    assert "http://testserver/field-reports/november/" in feed
    assert "&lt;h2&gt;November&lt;/h2&gt;" in feed  # the body as escaped HTML


def test_the_launch_report_is_on_the_site_from_the_start(visitor, db):
    response = visitor.get(LIST)
    assert "Launch month" in response.content.decode()
    page = visitor.get(reverse("fieldreports:detail", args=["2026-11-launch"])).content.decode()
    assert "Decision Committee" in page
    assert "<table>" in page
    home = visitor.get("/").content.decode()
    assert "Launch month" in home


def test_list_query_count(visitor, reports, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page of reports with authors
        visitor.get(LIST)

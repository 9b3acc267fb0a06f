"""The forum's script-injection corpus through field report titles, summaries and bodies."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from agenticworks.fieldreports.models import FieldReport
from tests.security.markup import assert_no_executable_markup
from tests.security.xss_payloads import XSS_PAYLOADS
from tests.showcase.injection import assert_safe_page

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives_in_reports(visitor, staff, payload):
    FieldReport.objects.all().delete()  # the launch report, so the feed holds only this one
    report = FieldReport.objects.create(
        title=payload[:160],
        slug="injected",
        summary=payload[:300],
        body=payload,
        author=staff,
    )
    for path in [reverse("fieldreports:list"), report.get_absolute_url(), "/"]:
        response = visitor.get(path)
        assert response.status_code == 200
        assert_safe_page(response.content.decode())

    # A feed reader unescapes the entry's HTML and renders it: that HTML must be safe too.
    feed = ET.fromstring(visitor.get(reverse("fieldreports:feed")).content)  # noqa: S314 - ours
    for entry in feed.iter(f"{ATOM}entry"):
        assert_no_executable_markup(entry.find(f"{ATOM}summary").text or "")
        assert entry.find(f"{ATOM}title").text == payload[:160]

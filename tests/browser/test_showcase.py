"""Sharing a plot from a lesson cell to the showcase, in a real browser.

`test_share_plot_from_lesson_cell_to_showcase` runs a cell on the real lesson page with the real
runner and shares its plot. The other test drives `static/showcase/share.js` on a page that
follows the lesson page's DOM contract, with a figure remembered on the server exactly as the
run endpoint would remember it.

This module is also the URLconf of its tests: the site's routes, plus uploaded media (the live
server does not serve MEDIA_URL with DEBUG off) and the contract page.
"""

import base64

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.test import Client
from django.urls import path, reverse
from django.utils.html import escape
from django.views.static import serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from agenticworks.urls import urlpatterns as site_urlpatterns
from learn.figures import figure_remember
from showcase.models import Project
from tests.browser.conftest import wait_for
from tests.showcase.factories import image_bytes

pytestmark = pytest.mark.browser

TRACK, PART, CELL = "brains-decision-committee", "05-training", "loss-curve"
PLOT_CODE = "import matplotlib.pyplot as plt\nplt.plot([3, 2, 1])\nplt.show()"


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def contract_lesson_page(request):
    """A lesson page reduced to the contract's DOM, with one plot that 'cell 003' made."""
    png = image_bytes(size=(64, 48), color=(200, 80, 40))
    figure_id = figure_remember(
        request, track=TRACK, part=PART, cell_id=CELL, code=PLOT_CODE, png=png
    )
    token = get_token(request)
    source = base64.b64encode(png).decode()
    return HttpResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson</title>
<link rel="icon" href="data:,">
<meta name="csrf-token" content="{escape(token)}">
<script type="module" src="{static("showcase/share.js")}"></script></head><body>
<div class="lesson" data-lesson data-track="{TRACK}" data-part="{PART}"
     data-share-showcase-url="{reverse("showcase:share_figure")}" data-share-forum-url="">
  <div class="cell" id="cell-{CELL}" data-cell data-cell-id="{CELL}" data-cell-label="cell 003">
    <textarea class="cell-source" data-cell-source aria-label="Code">{escape(PLOT_CODE)}</textarea>
    <div class="cell-output" data-cell-output>
      <figure class="output-figure" data-figure-id="{figure_id}">
        <img alt="Figure 1 from cell 003" src="data:image/png;base64,{source}">
        <figcaption>
          <button type="button" data-figure-action="share-showcase">Share to showcase</button>
          <button type="button" data-figure-action="share-forum">Share to forum</button>
        </figcaption>
      </figure>
    </div>
  </div>
</div></body></html>"""
    )


urlpatterns = [
    path("media/<path:path>", media),
    path("contract-lesson/", contract_lesson_page),
    *site_urlpatterns,
]


@pytest.fixture
def signed_in(browser, member, settings):
    """The browser, signed in as Ada, on this module's URLconf."""
    settings.ROOT_URLCONF = __name__
    client = Client()
    client.force_login(member)
    browser.get("/accounts/login/")
    browser.driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    )
    return browser


def _wait_for_draft_edit_page(driver) -> Project:
    wait_for(driver, EC.url_matches(r"/showcase/\d+/edit/$"), timeout=20)
    project = Project.objects.get()
    assert project.is_draft
    assert driver.current_url.endswith(reverse("showcase:edit", args=[project.pk]))
    return project


def _assert_project_page_shows_the_plot(browser, project: Project, code_fragment: str):
    browser.get(project.get_absolute_url())
    driver = browser.driver
    cover = wait_for(
        driver, EC.presence_of_element_located((By.CSS_SELECTOR, ".project-cover img"))
    )
    wait_for(driver, lambda d: d.execute_script("return arguments[0].naturalWidth", cover) > 0)
    code = driver.find_element(By.CSS_SELECTOR, ".project-description pre").text
    assert code_fragment in code
    built_from = driver.find_element(By.CSS_SELECTOR, ".built-from a")
    assert built_from.get_attribute("href").endswith(f"/learn/{TRACK}/{PART}/")


def test_share_js_turns_a_figure_into_a_draft_and_the_project_page_shows_it(signed_in):
    driver = signed_in.driver
    signed_in.get("/contract-lesson/")
    forum = driver.find_element(By.CSS_SELECTOR, "[data-figure-action=share-forum]")
    forum.click()  # no forum endpoint on this page: the button says so and stays put
    wait_for(driver, lambda d: forum.get_attribute("disabled") is not None)
    assert driver.current_url.endswith("/contract-lesson/")

    driver.find_element(By.CSS_SELECTOR, "[data-figure-action=share-showcase]").click()
    project = _wait_for_draft_edit_page(driver)
    assert "Your plot is in a new draft" in driver.find_element(By.CSS_SELECTOR, ".messages").text
    assert (project.cover_width, project.cover_height) == (64, 48)
    assert f"#cell-{CELL}" in project.description

    driver.find_element(By.CSS_SELECTOR, "button[value=publish]").click()
    wait_for(driver, EC.url_matches(rf"/showcase/{project.pk}/$"))
    _assert_project_page_shows_the_plot(signed_in, project, "plt.plot([3, 2, 1])")


@pytest.mark.sandbox
def test_share_plot_from_lesson_cell_to_showcase(signed_in, sandbox_runner, settings):
    """The real lesson page and the real runner: run a cell that plots, share the plot, see it
    on the project page."""
    settings.SANDBOX_SOCKET = sandbox_runner.socket_path
    settings.SANDBOX_RUNNERS = []
    lesson = reverse("learn:lesson", args=[TRACK, PART])
    driver = signed_in.driver
    signed_in.get(lesson)
    cell = wait_for(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-cell]")))
    code = (
        "import matplotlib.pyplot as plt\nplt.plot([0, 1, 4, 9])\nplt.title('shared')\nplt.show()"
    )
    driver.execute_script(
        "const s = arguments[0].querySelector('[data-cell-source]');"
        "s.value = arguments[1]; s.dispatchEvent(new Event('input', {bubbles: true}));",
        cell,
        code,
    )
    cell.find_element(By.CSS_SELECTOR, "[data-cell-action=run]").click()
    share = wait_for(
        driver,
        EC.element_to_be_clickable(
            (By.CSS_SELECTOR, "[data-figure-id] [data-figure-action=share-showcase]")
        ),
        timeout=60,
    )
    share.click()
    project = _wait_for_draft_edit_page(driver)
    assert project.part_key == f"{TRACK}/{PART}"
    _assert_project_page_shows_the_plot(signed_in, project, "plt.plot([0, 1, 4, 9])")


def test_showcase_network_and_report_pages_fit_a_phone(browser, member, other_member, settings):
    from agenticworks.fieldreports.files import reports_sync
    from agenticworks.fieldreports.models import FieldReport
    from showcase import services
    from tests.showcase.factories import make_project

    settings.ROOT_URLCONF = __name__
    project = make_project(
        member,
        title="A rather long project title that has to wrap on a small screen",
        summary="Summary " * 20,
        description="```python\n" + "x = 1  # " + "long comment " * 20 + "\n```",
        tags=["numpy", "plots", "a-fairly-long-tag-name"],
        repository_url="https://github.com/ada/" + "x" * 60,
        cover=True,
    )
    services.comment_create(project=project, author=other_member, body="word " * 80)
    services.project_feature(project=project, featured=True)
    # Live-server tests start from an empty database, without the launch report: load it.
    reports_sync(FieldReport)
    browser.driver.set_window_size(360, 800)
    for page_path in [
        "/showcase/",
        project.get_absolute_url(),
        f"/community/{member.username}/",
        "/field-reports/2026-11-launch/",
        "/",
    ]:
        browser.get(page_path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page_path} scrolls sideways by {overflow}px at 360px"

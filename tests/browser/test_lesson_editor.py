"""The lesson page in a real browser: the cell editor, reset, and live section progress."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import wait_for
from tests.learn.conftest import CONTENT, TRACK

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fixture_lessons(settings):
    settings.LESSONS_DIR = CONTENT


def lesson(browser, part="01-grids", suffix=""):
    browser.get(f"/learn/{TRACK}/{part}/{suffix}")
    return browser.driver


def status_text(driver):
    return " ".join(driver.find_element(By.CSS_SELECTOR, "[data-status-line]").text.split())


def test_edit_a_cell_then_reset_it(browser):
    driver = lesson(browser)
    cell = driver.find_element(By.ID, "cell-agreement")
    source = cell.find_element(By.CSS_SELECTOR, "textarea[data-cell-source]")
    wait_for(driver, lambda d: source.is_displayed())
    original = source.get_attribute("data-original")
    assert source.get_attribute("value") == original
    badge = cell.find_element(By.CSS_SELECTOR, "[data-cell-edited]")
    assert not badge.is_displayed()

    # The page shows where the learner is: the parts, the status line.
    parts = driver.find_elements(By.CSS_SELECTOR, ".parts-list .part-title")
    assert [p.text for p in parts] == ["Grids of numbers", "A neuron", "Voting"]
    assert "Kernel: Cold" in status_text(driver)
    assert "Sections: 0/2" in status_text(driver)

    source.click()
    source.send_keys(Keys.CONTROL, Keys.END)
    source.send_keys(Keys.ENTER, "for i in range(2):", Keys.ENTER, "print(i)")
    value = source.get_attribute("value")
    # Enter keeps the indentation and indents after a colon.
    assert value == original + "\nfor i in range(2):\n    print(i)"
    assert badge.is_displayed()
    lines = cell.find_element(By.CSS_SELECTOR, "[data-cell-lines]").text.split()
    assert lines == ["1", "2", "3", "4"]
    coloured = cell.find_element(By.CSS_SELECTOR, "[data-cell-highlight]")
    assert "for i in range(2):" in coloured.text
    assert coloured.find_element(By.CSS_SELECTOR, ".k").text == "for"

    # Tab indents inside the editor instead of leaving it.
    source.send_keys(Keys.ENTER, Keys.TAB, "pass")
    assert source.get_attribute("value").endswith("\n        pass")
    assert driver.switch_to.active_element == source

    cell.find_element(By.CSS_SELECTOR, "[data-cell-action='reset']").click()
    assert source.get_attribute("value") == original
    assert not badge.is_displayed()
    assert cell.find_element(By.CSS_SELECTOR, "[data-cell-lines]").text.split() == ["1", "2"]


def test_shift_enter_asks_to_run_the_cell(browser):
    driver = lesson(browser)
    driver.execute_script(
        "window.ran = [];"
        "document.addEventListener('cell:run', e => window.ran.push(e.target.dataset.cellId));"
    )
    source = driver.find_element(By.CSS_SELECTOR, "#cell-make-lines textarea")
    wait_for(driver, lambda d: source.is_displayed())
    source.click()
    source.send_keys(Keys.SHIFT, Keys.ENTER)
    assert driver.execute_script("return window.ran") == ["make-lines"]
    assert "\n\n" not in source.get_attribute("value")[-2:]  # no newline typed


def test_progress_from_a_run_updates_the_page(browser):
    driver = lesson(browser)
    driver.execute_script(
        "document.dispatchEvent(new CustomEvent('lesson:progress', {detail: "
        "{done: 2, total: 2, sections: {'1.1': true, '1.2': true}}}));"
    )
    assert "Sections: 2/2" in status_text(driver)
    section = driver.find_element(By.ID, "s-1-2")
    assert section.get_attribute("data-section-done") == "true"
    assert "(done)" in section.find_element(By.CSS_SELECTOR, ".section-title").text
    current = driver.find_element(By.CSS_SELECTOR, "[data-part-item='01-grids']")
    assert "✓" in current.text


def test_mark_a_section_read_without_reload(browser):
    driver = lesson(browser, "02-neuron")
    driver.execute_script("window.sameDocument = true;")
    button = driver.find_element(By.CSS_SELECTOR, "#s-2-2 [data-read-form] button")
    button.click()
    wait_for(driver, lambda d: "Sections: 1/2" in status_text(d))
    assert driver.find_element(By.CSS_SELECTOR, "#s-2-2 .read-done").text == "Section 2.2 read ✓"
    assert driver.execute_script("return window.sameDocument") is True
    driver.refresh()
    assert "Sections: 1/2" in status_text(driver)


def test_lab_scratch_cells_are_added_kept_and_deleted(browser):
    driver = lesson(browser, "03-voting", "lab/")
    assert len(driver.find_elements(By.CSS_SELECTOR, "[data-cell]")) == 3
    add = driver.find_element(By.CSS_SELECTOR, "[data-scratch-add]")
    wait_for(driver, lambda d: add.is_displayed())
    add.click()
    scratch = driver.find_element(By.ID, "cell-scratch-1")
    source = scratch.find_element(By.CSS_SELECTOR, "textarea")
    assert driver.switch_to.active_element == source
    source.send_keys("votes * 2")
    add.click()
    assert driver.find_element(By.ID, "cell-scratch-2").get_attribute("data-cell-id") == "scratch-2"

    driver.refresh()
    kept = driver.find_element(By.CSS_SELECTOR, "#cell-scratch-1 textarea")
    assert kept.get_attribute("value") == "votes * 2"
    driver.find_element(By.CSS_SELECTOR, "#cell-scratch-2 [data-scratch-delete]").click()
    assert not driver.find_elements(By.ID, "cell-scratch-2")
    driver.refresh()
    assert [
        c.get_attribute("data-cell-id")
        for c in driver.find_elements(By.CSS_SELECTOR, "[data-cell]")
    ] == [
        "setup",
        "votes",
        "threshold",
        "scratch-1",
    ]


def test_pin_a_plot_and_unpin_it(browser):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from learn.figures import figure_remember
    from tests.learn.test_pins import png

    driver = lesson(browser, "02-neuron")
    driver.find_element(By.CSS_SELECTOR, "#s-2-2 [data-read-form] button").click()
    wait_for(driver, lambda d: d.get_cookie("sessionid"))
    # The plot kernel.js would have drawn after a run of this learner's cell.
    request = RequestFactory().get("/")
    request.session = SessionStore(driver.get_cookie("sessionid")["value"])
    request.user = AnonymousUser()
    figure_id = figure_remember(
        request, track=TRACK, part="02-neuron", cell_id="weights-plot", code="", png=png()
    )
    driver.execute_script(
        """
        const output = document.querySelector('#cell-weights-plot [data-cell-output]');
        const figure = document.createElement('figure');
        figure.className = 'output-figure';
        figure.dataset.figureId = arguments[0];
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.figureAction = 'pin';
        button.textContent = 'Pin';
        figure.append(button);
        output.append(figure);
        """,
        figure_id,
    )
    pin = driver.find_element(By.CSS_SELECTOR, "[data-figure-action='pin']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pin)
    pin.click()
    pinned = wait_for(
        driver,
        lambda d: d.find_elements(
            By.CSS_SELECTOR, "[data-pins] img[alt='Plot pinned from cell 003']"
        ),
    )
    # The stored image is served and decodes (the browser loads it after it is inserted).
    wait_for(driver, lambda d: pinned[0].get_attribute("naturalWidth") == "40")
    assert "Pinned." in driver.find_element(By.CSS_SELECTOR, "[data-pin-message]").text

    unpin = driver.find_element(By.CSS_SELECTOR, "[data-unpin-form] button")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", unpin)
    unpin.click()
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-pins] img"))
    assert "Unpinned." in driver.find_element(By.CSS_SELECTOR, "[data-pin-message]").text


def test_a_section_without_code_counts_as_read_after_scrolling_through_it(browser):
    driver = lesson(browser, "02-neuron")
    section = driver.find_element(By.ID, "s-2-2")
    assert section.get_attribute("data-section-done") == "false"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", section)
    # The dwell for a short section is a few seconds; a loaded machine may take longer.
    wait_for(driver, lambda d: section.get_attribute("data-section-done") == "true", timeout=40)
    assert "counted when you scrolled through it" in section.text
    assert (
        "Section 2.2 counted as read."
        in driver.find_element(By.CSS_SELECTOR, "[data-kernel-message]").text
    )
    # Stored on the server: a reload still shows it read.
    driver.refresh()
    section = driver.find_element(By.ID, "s-2-2")
    assert section.get_attribute("data-section-done") == "true"


def test_a_section_scrolled_past_at_once_is_not_counted(browser):
    driver = lesson(browser, "02-neuron")
    section = driver.find_element(By.ID, "s-2-2")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", section)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.execute_script("return new Promise(r => setTimeout(r, 4000))")
    assert section.get_attribute("data-section-done") == "false"


def test_a_members_scratch_cells_follow_them_to_another_browser(browser, member, client):
    from django.conf import settings

    driver = lesson(browser, "03-voting", "lab/")
    # Made as a visitor in this browser, before signing in.
    add = driver.find_element(By.CSS_SELECTOR, "[data-scratch-add]")
    wait_for(driver, lambda d: add.is_displayed())
    add.click()
    driver.find_element(By.CSS_SELECTOR, "#cell-scratch-1 textarea").send_keys("from_before = 1")
    client.force_login(member)
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    )
    driver.refresh()
    status = driver.find_element(By.CSS_SELECTOR, "[data-scratch-status]")
    wait_for(driver, lambda d: "now saved to your account" in status.text)
    add = driver.find_element(By.CSS_SELECTOR, "[data-scratch-add]")
    add.click()
    driver.find_element(By.CSS_SELECTOR, "#cell-scratch-2 textarea").send_keys("votes.sum()")
    driver.find_element(By.CSS_SELECTOR, "#cell-scratch-2 [data-scratch-move='-1']").click()
    wait_for(driver, lambda d: "saved to your account" in status.text, timeout=20)
    wait_for(
        driver,
        lambda d: member.scratch_cells.count() == 2 and member.scratch_cells.first().number == 2,
    )

    # Another device: a fresh browser profile has no localStorage, only the account.
    driver.delete_all_cookies()
    driver.execute_script("localStorage.clear()")
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    )
    driver.refresh()
    ids = [
        c.get_attribute("data-cell-id")
        for c in driver.find_elements(By.CSS_SELECTOR, ".cell-scratch")
    ]
    assert ids == ["scratch-2", "scratch-1"]
    assert (
        driver.find_element(By.CSS_SELECTOR, "#cell-scratch-1 textarea").get_attribute("value")
        == "from_before = 1"
    )

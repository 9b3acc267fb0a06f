"""kernel.js in Chromium against the real runner, on a page built to the lesson DOM contract:
Run and Shift+Enter, the status line, streamed output, figures, errors, Interrupt, Restart and
Run all."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]


@pytest.fixture
def page(browser, sandbox, settings):
    settings.ROOT_URLCONF = "tests.sandbox.contract_page"
    browser.get("/kernel-contract/")
    return browser.driver


def cell(driver, cell_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'[data-cell-id="{cell_id}"]')


def state(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "[data-kernel-state]").text


def wait_state(driver, text: str, timeout: float = 15) -> None:
    wait_for(driver, lambda d: state(d) == text, timeout)


def click_run(driver, cell_id: str) -> None:
    cell(driver, cell_id).find_element(By.CSS_SELECTOR, "[data-cell-action=run]").click()


def set_code(driver, cell_id: str, code: str) -> None:
    source = cell(driver, cell_id).find_element(By.CSS_SELECTOR, "[data-cell-source]")
    driver.execute_script("arguments[0].value = arguments[1]", source, code)


def output(driver, cell_id: str):
    return cell(driver, cell_id).find_element(By.CSS_SELECTOR, "[data-cell-output]")


def wait_output(driver, cell_id: str, selector: str, timeout: float = 15):
    return wait_for(
        driver,
        lambda d: output(d, cell_id).find_elements(By.CSS_SELECTOR, selector) or False,
        timeout,
    )[0]


def idle(driver) -> bool:
    return driver.execute_script(
        "return !document.querySelector('[data-cell][data-cell-status=running],"
        " [data-cell][data-cell-status=queued]')"
    )


def test_running_cells_shows_outputs_figures_and_state(page):
    driver = page
    assert state(driver) == "Cold"
    driver.execute_script(
        "window.progressEvents = [];"
        "document.addEventListener('lesson:progress', e => window.progressEvents.push(e.detail));"
    )
    click_run(driver, "setup")
    wait_state(driver, "Ready")
    wait_for(driver, idle)

    # Shift+Enter in the code runs the cell; the last expression's value shows under it.
    source = cell(driver, "pixels").find_element(By.CSS_SELECTOR, "[data-cell-source]")
    source.send_keys(Keys.SHIFT, Keys.ENTER)
    result = wait_output(driver, "pixels", ".output-result")
    assert result.text.startswith("array([[1., 0., 0.],")

    click_run(driver, "plot")
    figure = wait_output(driver, "plot", "figure.output-figure")
    image = figure.find_element(By.TAG_NAME, "img")
    assert image.get_attribute("alt") == "Figure 1 from cell 003: A diagonal"
    assert image.get_attribute("src").startswith("data:image/png;base64,iVBORw0KGgo")
    wait_for(driver, lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
    assert figure.get_attribute("data-figure-id")
    actions = [
        b.get_attribute("data-figure-action") for b in figure.find_elements(By.TAG_NAME, "button")
    ]
    assert actions == ["pin", "share-showcase", "share-forum"]
    assert driver.execute_script("return window.progressEvents.length") == 3


def test_output_streams_while_the_cell_runs(page):
    driver = page
    set_code(
        driver,
        "pixels",
        "import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(0.8)\n",
    )
    click_run(driver, "pixels")
    first = wait_output(driver, "pixels", ".output-stdout")
    wait_for(driver, lambda d: "tick 0" in first.text)
    assert "tick 2" not in first.text
    assert state(driver) == "Busy"
    assert driver.find_element(By.CSS_SELECTOR, "[data-kernel-elapsed]").text.endswith(" s")
    wait_for(driver, lambda d: "tick 2" in first.text)
    wait_state(driver, "Ready")
    # The run's time stays on the status line after it ends.
    elapsed = driver.find_element(By.CSS_SELECTOR, "[data-kernel-elapsed]").text
    assert re.fullmatch(r"ran in \d+\.\d s", elapsed)


def test_errors_show_the_learners_line(page):
    driver = page
    set_code(driver, "pixels", "x = 1\ny = undefined_name\n")
    click_run(driver, "pixels")
    error = wait_output(driver, "pixels", ".output-error")
    # The traceback ends up collapsed in the error card (errorcard.js): read its text content.
    wait_for(driver, lambda d: cell(d, "pixels").get_attribute("data-cell-status") == "error")
    text = error.get_attribute("textContent")
    assert 'File "<cell 002>", line 2, in <module>' in text
    assert "NameError: name 'undefined_name' is not defined" in text
    assert cell(driver, "pixels").get_attribute("data-cell-status") == "error"


def test_interrupt_and_restart(page):
    driver = page
    click_run(driver, "setup")
    wait_state(driver, "Ready")
    set_code(driver, "pixels", "import time\ntime.sleep(3)")
    click_run(driver, "pixels")
    wait_state(driver, "Busy")
    driver.find_element(By.CSS_SELECTOR, "[data-kernel-action=interrupt]").click()
    error = wait_output(driver, "pixels", ".output-error")
    assert "KeyboardInterrupt" in error.get_attribute("textContent")  # in the error card
    wait_state(driver, "Ready")

    # The last run's time stays on the status line.
    elapsed = driver.find_element(By.CSS_SELECTOR, "[data-kernel-elapsed]")
    assert re.fullmatch(r"ran in \d+\.\d s", elapsed.text)

    # Restart asks first: one press only warns, and the kernel keeps its variables.
    restart = driver.find_element(By.CSS_SELECTOR, "[data-kernel-action=restart]")
    restart.click()
    message = driver.find_element(By.CSS_SELECTOR, "[data-kernel-message]")
    assert "Press Restart again to confirm" in message.text
    assert restart.text == "Press again to restart"
    wait_state(driver, "Ready")
    restart.click()
    wait_state(driver, "Restarted")
    assert "restarted" in message.text
    assert restart.text == "Restart kernel"
    set_code(driver, "pixels", "np.eye(2)")
    click_run(driver, "pixels")
    error = wait_output(driver, "pixels", ".output-error")
    assert "NameError" in error.get_attribute("textContent")


def test_run_all_runs_every_cell_in_order(page):
    driver = page
    driver.find_element(By.CSS_SELECTOR, "[data-kernel-action=run-all]").click()
    wait_output(driver, "plot", "figure.output-figure", timeout=30)
    assert output(driver, "pixels").find_element(By.CSS_SELECTOR, ".output-result")
    assert [
        c.get_attribute("data-cell-status")
        for c in driver.find_elements(By.CSS_SELECTOR, "[data-cell]")
    ] == ["ok", "ok", "ok"]


def test_a_limit_is_explained_in_words(page):
    driver = page
    set_code(driver, "pixels", "while True:\n    pass")
    click_run(driver, "pixels")
    # The CPU limit (2 s) is far below the wall-clock limit (20 s); a busy host only slows it.
    note = wait_output(driver, "pixels", ".output-limit", timeout=60)
    assert "CPU" in note.text
    message = driver.find_element(By.CSS_SELECTOR, "[data-kernel-message]")
    wait_for(
        driver,
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-kernel-message]"), "CPU"),
        timeout=30,
    )
    assert message.is_displayed()

"""The error card in Chromium, on the fixture part decision-demo/01-grids with the real runner:
a NameError names the earlier cell and its "Run cells" button fixes it; a shape error draws the
operands as boxes with the mismatched sizes marked."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import wait_for
from tests.learn.conftest import CONTENT, TRACK

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]


@pytest.fixture
def lesson(browser, sandbox, settings):
    settings.LESSONS_DIR = CONTENT
    return browser


def open_part(browser):
    browser.get(f"/learn/{TRACK}/01-grids/")
    driver = browser.driver
    wait_for(driver, lambda d: d.find_element(By.ID, "cell-agreement").is_displayed())
    return driver


def cell(driver, cell_id: str):
    return driver.find_element(By.ID, f"cell-{cell_id}")


def run(driver, cell_id: str) -> None:
    button = cell(driver, cell_id).find_element(By.CSS_SELECTOR, "[data-cell-action=run]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def status(driver, cell_id: str) -> str:
    return cell(driver, cell_id).get_attribute("data-cell-status") or ""


def wait_done(driver, cell_id: str, expected: str) -> None:
    wait_for(driver, lambda d: status(d, cell_id) in ("ok", "error", "limit"), 30)
    assert status(driver, cell_id) == expected


def card(driver, cell_id: str):
    return wait_for(
        driver,
        lambda d: cell(d, cell_id).find_elements(By.CSS_SELECTOR, ".error-card") or False,
        30,
    )[0]


def test_a_name_from_an_earlier_cell_and_the_button_that_fixes_it(lesson):
    driver = open_part(lesson)
    run(driver, "agreement")
    wait_done(driver, "agreement", "error")
    shown = card(driver, "agreement")
    assert shown.get_attribute("role") == "group"
    assert shown.get_attribute("data-error-kind") == "name-earlier-cell"
    title = shown.find_element(By.CSS_SELECTOR, ".error-card-title")
    assert title.text == "Python doesn't know the name vertical"
    assert title.find_element(By.TAG_NAME, "code").text == "vertical"
    text = shown.find_element(By.CSS_SELECTOR, ".error-card-text").text
    assert "is made in cell 002, above" in text
    assert shown.find_element(By.CSS_SELECTOR, ".error-card-line mark").text == "vertical"
    # The traceback is there, collapsed.
    details = shown.find_element(By.CSS_SELECTOR, "details.error-card-traceback")
    assert details.get_attribute("open") is None
    traceback = details.find_element(By.CSS_SELECTOR, "pre.output-error")
    assert "NameError: name 'vertical' is not defined" in traceback.get_attribute("textContent")

    button = shown.find_element(By.CSS_SELECTOR, "button[data-kernel-action=run-cells]")
    assert button.text == "Run cells 001–002"
    button.click()
    wait_done(driver, "setup", "ok")
    wait_done(driver, "make-lines", "ok")
    printed = cell(driver, "make-lines").find_element(By.CSS_SELECTOR, ".output-stdout")
    assert "[[0. 1. 0.]" in printed.text

    run(driver, "agreement")
    wait_for(
        driver,
        lambda d: cell(d, "agreement").find_elements(By.CSS_SELECTOR, ".output-result") or False,
        30,
    )
    wait_done(driver, "agreement", "ok")
    output = cell(driver, "agreement").find_element(By.CSS_SELECTOR, "[data-cell-output]")
    assert output.find_element(By.CSS_SELECTOR, ".output-result").text == "1.0"
    assert not output.find_elements(By.CSS_SELECTOR, ".error-card")


def test_a_shape_error_draws_the_operands(lesson):
    lesson.driver.set_window_size(360, 900)
    driver = open_part(lesson)
    run(driver, "setup")
    wait_done(driver, "setup", "ok")
    source = cell(driver, "agreement").find_element(By.CSS_SELECTOR, "[data-cell-source]")
    driver.execute_script(
        "arguments[0].value = arguments[1]",
        source,
        "W = np.ones((3, 9))\nx = np.ones(3)\ny = W @ x\n",
    )
    run(driver, "agreement")
    wait_done(driver, "agreement", "error")
    shown = card(driver, "agreement")
    assert shown.get_attribute("data-error-kind") == "shape"
    assert "needs the inner sizes to match" in shown.text
    assert shown.find_element(By.CSS_SELECTOR, ".error-card-line mark").text == "W @ x"
    pair = shown.find_element(By.CSS_SELECTOR, ".shape-pair")
    assert pair.get_attribute("aria-label") == "Shapes: W (3, 9) @ x (3,)"
    operands = pair.find_elements(By.CSS_SELECTOR, ".shape-operand")
    assert [o.find_element(By.CSS_SELECTOR, ".shape-expr").text for o in operands] == ["W", "x"]
    assert [o.find_element(By.CSS_SELECTOR, ".shape-caption").text for o in operands] == [
        "(3, 9) float64",
        "(3,) float64",
    ]
    boxes = pair.find_elements(By.CSS_SELECTOR, ".shape-box")
    assert [(b.get_attribute("data-h"), b.get_attribute("data-w")) for b in boxes] == [
        ("2", "3"),
        ("1", "2"),
    ]
    assert all(b.size["width"] > 0 and b.size["height"] > 0 for b in boxes)
    marked = pair.find_elements(By.CSS_SELECTOR, ".shape-size.is-mismatch")
    assert [m.text for m in marked] == ["9", "3"]
    assert not shown.find_elements(By.CSS_SELECTOR, "[data-kernel-action=run-cells]")
    # It fits a 360 px screen.
    right = driver.execute_script("return arguments[0].getBoundingClientRect().right", shown)
    assert right <= driver.execute_script("return document.documentElement.clientWidth")

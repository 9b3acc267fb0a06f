"""axe-core in Chromium on the pages learners use most, in light and dark mode: no serious or
critical violations (contrast included). axe-core comes from npm (package.json, test-only)."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import wait_for

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LESSON = "/learn/brains-decision-committee/03-activation-functions/"


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(done, (e) => done({error: String(e)}));"
    )
    assert "error" not in result, result
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in violations
        for node in v["nodes"][:5]
    )


def choose_theme(browser, theme: str) -> None:
    browser.driver.execute_script("localStorage.setItem('agw-theme', arguments[0])", theme)
    browser.driver.refresh()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", [LESSON, "/", "/learn/brains-decision-committee/"])
def test_no_serious_accessibility_violations(browser, db, theme, path):
    browser.get(path)
    choose_theme(browser, theme)
    driver = browser.driver
    wait_for(
        driver, lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme
    )
    violations = axe_violations(driver)
    assert not violations, describe(violations)


def test_the_theme_button_cycles_and_is_remembered(browser, db):
    browser.get("/")
    driver = browser.driver
    button = driver.find_element(By.CSS_SELECTOR, "[data-theme-toggle]")
    wait_for(driver, lambda d: button.is_displayed())
    assert button.text == "Theme: system"
    background = "return getComputedStyle(document.body).backgroundColor"
    button.click()
    assert button.text == "Theme: light"
    assert driver.execute_script(background) == "rgb(251, 251, 253)"
    button.click()
    assert button.text == "Theme: dark"
    assert driver.execute_script(background) == "rgb(18, 20, 28)"
    browser.get(LESSON)  # another page: the choice is kept, before the first paint
    assert driver.execute_script("return document.documentElement.dataset.theme") == "dark"
    assert driver.execute_script(background) == "rgb(18, 20, 28)"


def test_on_a_phone_a_cut_code_line_is_shown_and_the_page_does_not_scroll_sideways(browser, db):
    driver = browser.driver
    driver.set_window_size(360, 800)
    browser.get(LESSON)
    editors = driver.find_elements(By.CSS_SELECTOR, "[data-cell-editor].is-live")
    wait_for(driver, lambda d: any("has-more-right" in e.get_attribute("class") for e in editors))
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    cut = next(e for e in editors if "has-more-right" in e.get_attribute("class"))
    stack = cut.find_element(By.CSS_SELECTOR, ".cell-stack")
    driver.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", stack)
    wait_for(driver, lambda d: "has-more-right" not in cut.get_attribute("class"))
    # The first screen shows the title and the status line, not a wall of buttons.
    status = driver.find_element(By.CSS_SELECTOR, "[data-status-line]")
    assert status.rect["y"] + status.rect["height"] < 800

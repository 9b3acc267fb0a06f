"""An exercise in a real browser against the real runner: run the cells above, fail a check,
climb the hint ladder, reveal the solution (with a confirmation), pass, and see the section tick
and the status line count it. Keyboard only for the ladder."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import wait_for
from tests.learn.conftest import CONTENT, TRACK

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]

SOLUTION = "middle = np.zeros(9)\nmiddle[[1, 4, 7]] = 1\nscore = weights @ middle + bias\n"


@pytest.fixture
def driver(browser, sandbox, settings):
    settings.LESSONS_DIR = CONTENT
    browser.get(f"/learn/{TRACK}/02-neuron/")
    return browser.driver


def exercise(driver):
    return driver.find_element(By.CSS_SELECTOR, '[data-exercise="middle-score"]')


def button(driver, action: str):
    return exercise(driver).find_element(By.CSS_SELECTOR, f'[data-exercise-action="{action}"]')


def feedback(driver) -> str:
    return exercise(driver).find_element(By.CSS_SELECTOR, "[data-exercise-feedback]").text


def state(driver) -> str:
    return exercise(driver).find_element(By.CSS_SELECTOR, "[data-exercise-state-label]").text


def idle(driver) -> bool:
    return driver.execute_script(
        "return !document.querySelector('[data-cell][data-cell-status=running],"
        " [data-cell][data-cell-status=queued]')"
    )


def status_text(driver) -> str:
    return " ".join(driver.find_element(By.CSS_SELECTOR, "[data-status-line]").text.split())


def test_fail_climb_the_ladder_pass_and_tick_the_section(driver):
    assert state(driver) == "not tried"
    assert "Exercises: 0/1" in status_text(driver)
    assert not button(driver, "solution").is_displayed()
    for cell_id in ("setup", "weights", "weights-plot"):
        cell = driver.find_element(By.ID, f"cell-{cell_id}")
        cell.find_element(By.CSS_SELECTOR, "[data-cell-action=run]").click()
    wait_for(driver, idle, 30)
    wait_for(
        driver,
        lambda d: (
            d.find_element(By.ID, "cell-weights-plot").get_attribute("data-cell-status") == "ok"
        ),
        30,
    )

    # The starter fails with words about this answer.
    button(driver, "check").click()
    wait_for(driver, lambda d: "middle[1]" in feedback(d), 30)
    assert state(driver) == "failed"
    section = driver.find_element(By.CSS_SELECTOR, '[data-section="2.1"]')
    assert section.get_attribute("data-section-done") == "false"

    # The hint ladder, by keyboard: three hints, then Show solution appears.
    hint = button(driver, "hint")
    for level in (1, 2, 3):
        hint.send_keys(Keys.ENTER)
        wait_for(
            driver,
            lambda d, n=level: (
                len(exercise(d).find_elements(By.CSS_SELECTOR, ".exercise-hint")) == n
            ),
        )
    assert (
        "weights @ middle + bias"
        in exercise(driver).find_elements(By.CSS_SELECTOR, ".exercise-hint")[2].text
    )
    assert "the last one" in feedback(driver)
    wait_for(driver, lambda d: button(d, "solution").is_displayed())
    assert not hint.is_enabled()
    assert driver.switch_to.active_element == button(driver, "solution")  # focus not lost

    # Show solution asks first; "Yes, show it" reveals it.
    button(driver, "solution").send_keys(Keys.ENTER)
    yes = wait_for(
        driver,
        lambda d: (
            exercise(d).find_elements(By.CSS_SELECTOR, '[data-exercise-action="solution-yes"]')
            or False
        ),
    )[0]
    assert driver.switch_to.active_element == yes
    yes.send_keys(Keys.ENTER)
    code = wait_for(
        driver,
        lambda d: (
            exercise(d).find_element(By.CSS_SELECTOR, "[data-exercise-solution-code]").text or False
        ),
    )
    assert "middle[[1, 4, 7]] = 1" in code
    solution = exercise(driver).find_element(By.CSS_SELECTOR, "[data-exercise-solution]")
    assert driver.switch_to.active_element == solution

    # The learner types the answer in and checks: it passes, with the solution.
    source = exercise(driver).find_element(By.CSS_SELECTOR, "[data-cell-source]")
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        source,
        SOLUTION,
    )
    button(driver, "check").click()
    wait_for(driver, lambda d: state(d) == "passed with solution", 30)
    assert feedback(driver).startswith("That is the score")
    wait_for(driver, lambda d: section.get_attribute("data-section-done") == "true")
    assert "Exercises: 1/1" in status_text(driver)
    assert "Sections: 1/2" in status_text(driver)

    # After a reload the state and the ladder are still there.
    driver.refresh()
    assert state(driver) == "passed with solution"
    assert len(exercise(driver).find_elements(By.CSS_SELECTOR, ".exercise-hint")) == 3


def test_the_lab_page_checks_and_gives_hints(browser, sandbox, settings):
    settings.LESSONS_DIR = CONTENT
    browser.get(f"/learn/{TRACK}/02-neuron/lab/")
    driver = browser.driver
    button(driver, "hint").click()
    wait_for(driver, lambda d: exercise(d).find_elements(By.CSS_SELECTOR, ".exercise-hint"))
    assert feedback(driver) == "Hint 1 of 3."
    # Nothing ran in this kernel yet: the check says to run the cells above first.
    button(driver, "check").click()
    wait_for(driver, lambda d: "setup cell" in feedback(d), 30)
    assert state(driver) == "failed"

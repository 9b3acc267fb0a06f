"""axe-core in Chromium on the pages learners use most, in light and dark mode: no serious or
critical violations (contrast included). axe-core comes from npm (package.json, test-only)."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

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


PART_2 = "/learn/brains-decision-committee/02-a-single-neuron/"


def run_cell(driver, cell_id: str, expected: str) -> None:
    cell = driver.find_element(By.ID, f"cell-{cell_id}")
    button = cell.find_element(By.CSS_SELECTOR, "[data-cell-action=run]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_for(driver, lambda d: cell.get_attribute("data-cell-status") in ("ok", "error"), 30)
    assert cell.get_attribute("data-cell-status") == expected


def error_card_kind(driver, cell_id: str) -> str:
    cards = wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#cell-{cell_id} .error-card") or False,
        30,
    )
    return cards[0].get_attribute("data-error-kind")


def drive_part_2_to_everything_at_once(driver) -> None:
    """Two error cards, a failed exercise with a hint, a moved slider and a tutor answer."""
    run_cell(driver, "anatomy", "error")  # before the setup cell: a NameError
    assert error_card_kind(driver, "anatomy") == "name-earlier-cell"
    run_cell(driver, "setup", "ok")
    source = driver.find_element(By.CSS_SELECTOR, "#cell-by-hand [data-cell-source]")
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        source,
        "W = np.ones((3, 9))\nx = np.ones(3)\ny = W @ x\n",
    )
    run_cell(driver, "by-hand", "error")
    assert error_card_kind(driver, "by-hand") == "shape"

    exercise = driver.find_element(By.ID, "exercise-neuron-sum")
    check = exercise.find_element(By.CSS_SELECTOR, '[data-exercise-action="check"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", check)
    check.click()
    label = exercise.find_element(By.CSS_SELECTOR, "[data-exercise-state-label]")
    wait_for(driver, lambda d: label.text == "failed", 30)
    feedback = exercise.find_element(By.CSS_SELECTOR, "[data-exercise-feedback]")
    said = feedback.text
    exercise.find_element(By.CSS_SELECTOR, '[data-exercise-action="hint"]').send_keys(Keys.ENTER)
    wait_for(driver, lambda d: exercise.find_elements(By.CSS_SELECTOR, ".exercise-hint"))
    # The hint count joins what the check said; it does not replace it. Quoted code is code.
    assert feedback.text == f"{said} Hint 1 of 3."
    assert feedback.find_element(By.TAG_NAME, "code").text == "neuron_sum"
    assert "`" not in feedback.text

    experiment = driver.find_element(By.ID, "cell-experiment-member-weights")
    slider = wait_for(
        driver, lambda d: experiment.find_elements(By.CSS_SELECTOR, ".control-range") or False
    )[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    slider.send_keys(Keys.ARROW_RIGHT)
    wait_for(
        driver,
        lambda d: (
            experiment.get_attribute("data-cell-status") == "ok"
            and "controlsBusy" not in d.execute_script("return arguments[0].dataset", experiment)
        ),
        30,
    )
    assert experiment.find_elements(By.CSS_SELECTOR, "[data-cell-output] img")
    # The exact-value box sits beside its slider (also on a phone); the value is not shown twice.
    number = experiment.find_element(By.CSS_SELECTOR, ".control-number")
    middle = lambda e: e.rect["y"] + e.rect["height"] / 2  # noqa: E731
    assert abs(middle(number) - middle(slider)) < number.rect["height"] / 2
    readout = experiment.find_element(By.CSS_SELECTOR, ".control-value")
    text_width = (
        "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
        "return range.getBoundingClientRect().width"
    )
    assert driver.execute_script(text_width, readout) == 0

    question = driver.find_element(By.CSS_SELECTOR, "[data-tutor-question]")
    question.send_keys("What does the bias do?")
    driver.find_element(By.CSS_SELECTOR, "[data-tutor-submit]").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-tutor-sources] a"), 30)


@pytest.mark.parametrize("width", [1280, 360])
def test_a_busy_lesson_page_has_no_serious_violations_in_either_theme(
    browser, sandbox, settings, width
):
    """Everything the lesson page can show at once, on a laptop and a phone, light and dark."""
    browser.driver.set_window_size(width, 900)
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    browser.get(PART_2)
    driver = browser.driver
    drive_part_2_to_everything_at_once(driver)
    toggle = driver.find_element(By.CSS_SELECTOR, "[data-theme-toggle]")
    for theme in ("light", "dark"):  # the button cycles system -> light -> dark, no reload
        toggle.click()
        wait_for(driver, lambda d, t=theme: toggle.text == f"Theme: {t}")
        violations = axe_violations(driver)
        assert not violations, f"{theme}:\n{describe(violations)}"

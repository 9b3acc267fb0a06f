"""Live controls in Chromium against the real runner: the JavaScript parser agrees with the
Python one on every shared case; dragging a slider (keyboard and pointer) rewrites the line,
re-runs the cell and swaps the figure in place; a burst of changes sends a bounded number of
runs and ends on the final value; scratch cells in the lab get controls as they are typed."""

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from learn import params
from tests.browser.conftest import wait_for
from tests.learn.conftest import CONTENT, TRACK
from tests.learn.test_params import CASES, random_texts

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]
SLIDER_SPEC = '  # @param {type:"slider", min:-2, max:2, step:0.25}'


@pytest.fixture
def runner_settings(settings, sandbox_runner):
    settings.LESSONS_DIR = CONTENT
    settings.SANDBOX_SOCKET = sandbox_runner.socket_path
    settings.SANDBOX_RUNNERS = []
    return settings


def open_part(browser, suffix=""):
    browser.get(f"/learn/{TRACK}/03-voting/{suffix}")
    driver = browser.driver
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-controls-ready]"))
    return driver


def source_of(driver, cell_id):
    return driver.execute_script(
        "return document.querySelector(arguments[0]).value", f"#cell-{cell_id} [data-cell-source]"
    )


def settled(driver, cell_id):
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "return !('controlsBusy' in c.dataset) && !['running', 'queued']"
        ".includes(c.dataset.cellStatus);",
        f"cell-{cell_id}",
    )


def output_text(driver, cell_id):
    return driver.find_element(By.CSS_SELECTOR, f"#cell-{cell_id} [data-cell-output]").text


def figure_src(driver):
    images = driver.find_elements(By.CSS_SELECTOR, "#cell-threshold [data-cell-output] img")
    return images[0].get_attribute("src") if images else None


def runs_sent(driver):
    return int(
        driver.find_element(By.ID, "cell-threshold").get_attribute("data-controls-runs") or 0
    )


def wait_shown(driver, value: str):
    """The cell has settled and its code and output both show `threshold = value`."""
    wait_for(
        driver,
        lambda d: (
            settled(d, "threshold")
            and f"threshold = {value}\n" in output_text(d, "threshold") + "\n"
        ),
        timeout=60,
    )
    line = source_of(driver, "threshold").split("\n")[1]
    assert line == f"threshold = {value}{SLIDER_SPEC}"


def run_setup_and_first_figure(driver):
    for cell_id in ("setup", "threshold"):
        driver.find_element(By.CSS_SELECTOR, f"#cell-{cell_id} [data-cell-action=run]").click()
        wait_for(
            driver,
            lambda d, c=cell_id: (
                d.find_element(By.ID, f"cell-{c}").get_attribute("data-cell-status") == "ok"
            ),
            60,
        )
    assert "threshold = 0.5" in output_text(driver, "threshold")
    # From now on, record whether the figure ever leaves the page while a new one is drawn.
    driver.execute_script(
        "const out = document.querySelector('#cell-threshold [data-cell-output]');"
        "window.lostFigure = false;"
        "new MutationObserver(() => { if (!out.querySelector('img')) window.lostFigure = true; })"
        ".observe(out, {childList: true, subtree: true});"
    )
    return figure_src(driver)


def test_javascript_parser_and_writer_agree_with_python(browser, settings):
    settings.LESSONS_DIR = CONTENT
    driver = open_part(browser)
    answer = driver.execute_async_script(
        "const [cases, done] = arguments;"
        "import('/static/learn/controls.js').then((m) => done(JSON.stringify({"
        "  parse: cases.parse.map((c) => m.parseForm(c.source)),"
        "  write: cases.write.map((c) =>"
        "    m.writeLine(c.line, m.parseForm(c.line).controls[0], c.value)),"
        "})), (e) => done(String(e)));",
        CASES,
    )
    result = json.loads(answer)
    for case, form in zip(CASES["parse"], result["parse"], strict=True):
        assert form == case["form"], case["source"]
    assert result["write"] == [case["expected"] for case in CASES["write"]]
    texts = random_texts()
    written = driver.execute_async_script(
        "const [texts, done] = arguments;"
        "import('/static/learn/controls.js').then((m) => done(texts.map(m.pythonString)));",
        texts,
    )
    assert written == [params.python_string(text) for text in texts]


def test_controls_render_labelled_and_announced(browser, settings):
    settings.LESSONS_DIR = CONTENT
    driver = open_part(browser)
    box = driver.find_element(By.CSS_SELECTOR, "#cell-threshold [data-cell-controls]")
    assert box.find_element(By.CSS_SELECTOR, ".controls-title").text == "Where the step switches on"
    slider = box.find_element(By.CSS_SELECTOR, "input[type=range]")
    label = box.find_element(By.CSS_SELECTOR, f"label[for='{slider.get_attribute('id')}']")
    assert label.text == "threshold"
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == ("-2", "2")
    assert slider.get_attribute("step") == "0.25"
    assert slider.get_attribute("aria-valuetext") == "threshold = 0.5"
    number = box.find_element(By.CSS_SELECTOR, "[data-control=threshold] input[type=number]")
    assert number.get_attribute("aria-label") == "threshold, exact value"
    text = box.find_element(By.CSS_SELECTOR, "[data-control=caption] input[type=text]")
    assert text.get_attribute("value") == "votes"
    # A phone: the controls stay inside the cell.
    driver.set_window_size(360, 800)
    wait_for(
        driver,
        lambda d: d.execute_script(
            "const cell = document.getElementById('cell-threshold').getBoundingClientRect();"
            "return [...document.querySelectorAll('#cell-threshold .control *')]"
            ".every((e) => e.getBoundingClientRect().right <= cell.right + 0.5);"
        ),
    )


def test_keyboard_drag_reruns_and_swaps_the_figure(browser, runner_settings):
    driver = open_part(browser)
    first = run_setup_and_first_figure(driver)
    before = runs_sent(driver)
    slider = driver.find_element(By.CSS_SELECTOR, "#cell-threshold input[type=range]")
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    wait_shown(driver, "1.25")
    assert 1 <= runs_sent(driver) - before <= 3
    assert figure_src(driver) not in (None, first)
    assert slider.get_attribute("aria-valuetext") == "threshold = 1.25"
    assert not driver.execute_script("return window.lostFigure")
    assert driver.find_element(By.CSS_SELECTOR, "[data-kernel-state]").text == "Ready"

    # A text control writes one safe string literal, whatever the learner types.
    hostile = '"); import os #'
    text = driver.find_element(By.CSS_SELECTOR, "#cell-threshold [data-control=caption] input")
    text.clear()
    text.send_keys(hostile, Keys.TAB)
    caption = 'caption = "votes"  # @param {type:"string"}'
    control = params.parse_form(caption).controls[0]
    expected = params.write_line(caption, control, hostile)
    wait_for(driver, lambda d: source_of(d, "threshold").split("\n")[2] == expected)
    wait_shown(driver, "1.25")


def test_a_burst_of_changes_sends_two_runs_and_ends_on_the_last(browser, runner_settings):
    driver = open_part(browser)
    run_setup_and_first_figure(driver)
    before = runs_sent(driver)
    # Twenty changes in one task: the first starts a run, the other nineteen collapse into one.
    driver.execute_script(
        "const range = document.querySelector('#cell-threshold input[type=range]');"
        "for (let i = 0; i < 20; i++) {"
        "  range.value = String(-2 + (i % 16) * 0.25);"
        "  range.dispatchEvent(new Event('input', {bubbles: true}));"
        "}"
    )
    # The last value set was -2 + (19 % 16) * 0.25 = -1.25.
    wait_shown(driver, "-1.25")
    assert runs_sent(driver) - before == 2
    assert not driver.execute_script("return window.lostFigure")


def test_pointer_drag_shows_exactly_the_final_value(browser, runner_settings):
    driver = open_part(browser)
    first = run_setup_and_first_figure(driver)
    slider = driver.find_element(By.CSS_SELECTOR, "#cell-threshold input[type=range]")
    width = slider.size["width"]
    actions = ActionChains(driver).click_and_hold(slider)
    for _ in range(6):
        actions.move_by_offset(width // 14, 0)
    actions.release().perform()
    final = float(slider.get_attribute("value"))
    assert final > 0.5
    spec = params.parse_form(f"threshold = 0.5{SLIDER_SPEC}").controls[0]
    wait_shown(driver, params.literal(spec, final))
    assert figure_src(driver) not in (None, first)
    assert not driver.execute_script("return window.lostFigure")


def test_lab_scratch_cell_gets_controls_as_it_is_typed(browser, runner_settings):
    driver = open_part(browser, "lab/")
    driver.find_element(By.CSS_SELECTOR, "[data-scratch-add]").click()
    cell = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".cell-scratch"))[0]
    source = cell.find_element(By.CSS_SELECTOR, "[data-cell-source]")
    source.send_keys('k = 2  # @param {type:"slider", min:0, max:4}', Keys.ENTER, "print(k * 10)")
    slider = wait_for(driver, lambda d: cell.find_elements(By.CSS_SELECTOR, "input[type=range]"))[0]
    slider.send_keys(Keys.ARROW_RIGHT)
    wait_for(
        driver,
        lambda d: (
            cell.find_element(By.CSS_SELECTOR, "[data-cell-output]").text == "30"
            and cell.get_attribute("data-cell-status") == "ok"
        ),
        timeout=60,
    )
    assert source.get_attribute("value").split("\n")[0] == (
        'k = 3  # @param {type:"slider", min:0, max:4}'
    )
    # A malformed line becomes a notice; the code stays as typed.
    source.send_keys(Keys.ENTER, 'j = 9  # @param {type:"slider", min:0, max:4}')
    notice = wait_for(driver, lambda d: cell.find_elements(By.CSS_SELECTOR, ".controls-notices li"))
    assert notice[0].text == "Line 3 is shown as plain code: j: 9 is above the maximum 4"
    assert len(cell.find_elements(By.CSS_SELECTOR, "input[type=range]")) == 1

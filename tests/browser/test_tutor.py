"""The tutor panel in Chromium on a real lesson: a question streams in an answer with section
links and "Ask the forum"; the cell the learner worked in goes with the question."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import wait_for

pytestmark = pytest.mark.browser

TRACK = "brains-decision-committee"
PART = "02-a-single-neuron"


@pytest.fixture(autouse=True)
def _real_lessons(settings, tmp_path):
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    settings.SANDBOX_SOCKET = tmp_path / "no-runner.sock"  # no kernel: an empty summary
    settings.SANDBOX_RUNNERS = []


def ask(driver, question: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, "[data-tutor-question]")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "[data-tutor-submit]").click()


def test_a_question_gets_an_answer_with_section_links(browser):
    browser.get(f"/learn/{TRACK}/{PART}/")
    driver = browser.driver
    ask(driver, "What does the bias do?")
    sources = wait_for(
        driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-tutor-sources] a") or False
    )
    hrefs = [a.get_attribute("href") for a in sources]
    assert hrefs[0].endswith(f"/learn/{TRACK}/{PART}/#s-2-2")
    answer = driver.find_element(By.CSS_SELECTOR, "[data-tutor-answer]")
    assert "threshold" in answer.text
    assert "Answered by the built-in tutor." in answer.text
    # The answer's own links lead to the section.
    inline = answer.find_element(By.CSS_SELECTOR, ".tutor-reply a")
    assert inline.get_attribute("href").endswith("#s-2-2")
    forum = answer.find_element(By.CSS_SELECTOR, "[data-tutor-forum]")
    assert "part=brains-decision-committee%2F02-a-single-neuron" in forum.get_attribute("href")
    assert driver.find_element(By.CSS_SELECTOR, "[data-tutor]").get_attribute("aria-live") is None
    assert answer.get_attribute("aria-live") == "polite"


def test_the_cell_worked_in_goes_with_the_question(browser):
    browser.get(f"/learn/{TRACK}/{PART}/")
    driver = browser.driver
    cell = driver.find_element(By.CSS_SELECTOR, '[data-cell-id="setup"] [data-cell-source]')
    driver.execute_script("arguments[0].focus()", cell)
    select = driver.find_element(By.CSS_SELECTOR, "[data-tutor-cell]")
    wait_for(driver, lambda d: select.get_attribute("value") == "setup")
    ask(driver, "What does this cell do?")
    answer = wait_for(
        driver,
        lambda d: "cell 001" in d.find_element(By.CSS_SELECTOR, "[data-tutor-answer]").text,
    )
    assert answer


def test_an_empty_question_is_explained(browser):
    browser.get(f"/learn/{TRACK}/{PART}/")
    driver = browser.driver
    driver.execute_script(
        "document.querySelector('[data-tutor-question]').removeAttribute('required')"
    )
    ask(driver, "   ")
    wait_for(
        driver,
        lambda d: "Type a question" in d.find_element(By.CSS_SELECTOR, "[data-tutor-answer]").text,
    )

"""The forum in a real browser: post with code and maths, preview, quote, like, mark the
answer, and see the notification count in the header."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from forum.models import Category
from tests.browser.conftest import wait_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

BODY = (
    "My sigmoid overflows:\n\n"
    "```python\nimport numpy as np\nz = np.array([1000.0])\nprint(1 / (1 + np.exp(-z)))\n```\n\n"
    "$$\n\\sigma(z) = \\frac{1}{1 + e^{-z}}\n$$\n"
)


@pytest.fixture(autouse=True)
def _forum_ready(settings):
    # Live-server tests flush the database between tests, data migrations included.
    Category.objects.get_or_create(slug="lesson-help", defaults={"name": "Lesson help"})
    settings.FORUM_POST_INTERVAL = 0
    settings.FORUM_NEW_MEMBER_POST_INTERVAL = 0


def sign_in(browser, username: str, next_path: str) -> None:
    driver = browser.driver
    driver.delete_all_cookies()
    browser.get(f"/accounts/login/?next={next_path}")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    wait_for(driver, EC.presence_of_element_located((By.CSS_SELECTOR, ".user-menu")))


def test_topic_with_code_and_maths_reply_with_quote_like_answer_and_notification(
    browser, member, other_member
):
    driver = browser.driver
    sign_in(browser, "ada", "/forum/")
    driver.find_element(By.LINK_TEXT, "New topic").click()

    Select(driver.find_element(By.ID, "id_category")).select_by_visible_text("Lesson help")
    driver.find_element(By.ID, "id_title").send_keys("Why does my sigmoid overflow?")
    body = driver.find_element(By.ID, "id_body")
    body.send_keys(BODY)

    # The live preview renders while typing (the Preview button works without JavaScript).
    live = wait_for(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, ".preview-live")))
    wait_for(driver, lambda d: live.find_elements(By.TAG_NAME, "math"))
    assert live.find_elements(By.CSS_SELECTOR, ".highlight")

    driver.find_element(By.CSS_SELECTOR, "button[name=preview]").click()
    wait_for(driver, EC.presence_of_element_located((By.ID, "preview-heading")))
    assert driver.find_element(By.ID, "id_body").get_attribute("value").startswith("My sigmoid")
    driver.find_element(By.XPATH, "//button[normalize-space()='Post topic']").click()

    first = wait_for(driver, EC.presence_of_element_located((By.ID, "post-1")))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Why does my sigmoid overflow?"
    assert "import" in first.find_element(By.CSS_SELECTOR, ".highlight").text
    assert first.find_elements(By.CSS_SELECTOR, "math[display=block]")
    topic_url = driver.current_url

    # Grace quotes Ada and replies.
    sign_in(browser, "grace", topic_url.replace(browser.base_url, ""))
    driver.find_element(By.CSS_SELECTOR, "#post-1 .post-actions").find_element(
        By.LINK_TEXT, "Quote"
    ).click()
    reply = wait_for(driver, EC.presence_of_element_located((By.ID, "id_body")))
    assert reply.get_attribute("value").startswith("> @ada [wrote](")
    reply.send_keys("Clip it first: `np.clip(z, -500, 500)`.")
    driver.find_element(By.XPATH, "//button[normalize-space()='Post reply']").click()
    second = wait_for(driver, EC.presence_of_element_located((By.ID, "post-2")))
    assert second.find_element(By.TAG_NAME, "blockquote").text.startswith("@ada wrote:")

    # Ada sees one unread notification in the header, likes the reply and marks the answer.
    sign_in(browser, "ada", topic_url.replace(browser.base_url, ""))
    bell = driver.find_element(By.CSS_SELECTOR, ".notifications-link")
    assert bell.get_attribute("aria-label") == "Notifications, 1 unread"
    assert bell.text.strip() == "1"

    driver.find_element(By.CSS_SELECTOR, "#post-2 .like-button").click()
    like = wait_for(
        driver,
        EC.presence_of_element_located(
            (By.CSS_SELECTOR, "#post-2 .like-button[aria-pressed=true]")
        ),
    )
    assert like.find_element(By.CSS_SELECTOR, ".like-count").text == "1"

    driver.find_element(
        By.XPATH, "//*[@id='post-2']//button[normalize-space()='Mark as answer']"
    ).click()
    wait_for(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#post-2.is-answer")))
    assert "Answer" in driver.find_element(By.CSS_SELECTOR, "#post-2 .badge-answer").text

    # Opening the notification clears the count.
    bell = driver.find_element(By.CSS_SELECTOR, ".notifications-link")
    bell.click()
    driver.find_element(By.CSS_SELECTOR, ".notification a").click()
    wait_for(driver, EC.presence_of_element_located((By.ID, "post-2")))
    bell = driver.find_element(By.CSS_SELECTOR, ".notifications-link")
    assert bell.get_attribute("aria-label") == "Notifications, 0 unread"


def test_forum_pages_fit_a_phone(browser, member):
    browser.driver.set_window_size(360, 800)
    sign_in(browser, "ada", "/forum/")
    for path in ["/forum/", "/forum/new/", "/forum/search/?q=x", "/forum/notifications/"]:
        browser.get(path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.browser.conftest import wait_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_visitor_signs_in_from_the_header_and_uses_the_user_menu(browser, member):
    browser.get("/")
    driver = browser.driver
    assert "AgenticWorks" in driver.title
    nav = driver.find_element(By.CSS_SELECTOR, "nav.main-nav")
    assert [a.text for a in nav.find_elements(By.TAG_NAME, "a")] == [
        "Learn",
        "Showcase",
        "Forum",
        "Community",
    ]

    driver.find_element(By.LINK_TEXT, "Sign in").click()
    wait_for(driver, EC.presence_of_element_located((By.ID, "id_username")))
    driver.find_element(By.ID, "id_username").send_keys("ada@example.com")
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()

    summary = wait_for(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, ".user-menu summary")))
    sign_out = driver.find_element(By.CSS_SELECTOR, ".user-menu .menu-button")
    assert not sign_out.is_displayed()
    summary.click()
    wait_for(driver, EC.visibility_of(sign_out))
    assert driver.find_element(By.LINK_TEXT, "Your profile").is_displayed()

    # Escape closes the menu and returns focus to its button.
    summary.send_keys("\ue00c")
    wait_for(driver, EC.invisibility_of_element(sign_out))


def test_wrong_password_is_shown_next_to_the_form_and_keeps_the_username(browser, member):
    browser.get("/accounts/login/")
    driver = browser.driver
    driver.find_element(By.ID, "id_username").send_keys("ada")
    driver.find_element(By.ID, "id_password").send_keys("not the password")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    error = wait_for(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, ".form-errors")))
    assert "do not match" in error.text
    assert driver.find_element(By.ID, "id_username").get_attribute("value") == "ada"


def test_phone_width_has_no_horizontal_scroll(browser):
    browser.driver.set_window_size(360, 800)
    for path in ["/", "/about/", "/accounts/signup/", "/community/"]:
        browser.get(path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"

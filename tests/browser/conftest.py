"""Browser tests: Selenium driving Debian's Chromium headless against Django's live server.

Every test fails if the page logged a console error or a Content-Security-Policy violation.
Without a browser installed they skip with a reason, except under CI=true, where a missing
browser is a failure.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--window-size=1280,900",
]


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium_paths():
    binary = _find("chromium", "chromium-browser")
    driver = _find("chromedriver")
    if not binary or not driver:
        reason = (
            "Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run browser tests.")
        pytest.skip(reason)
    return binary, driver


@dataclass
class Browser:
    driver: object
    base_url: str

    def get(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def console_errors(self) -> list[dict]:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture
def browser(chromium_paths, live_server, clear_cache, settings):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager look for downloads
    binary, driver_path = chromium_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="agw-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(0)
    session = Browser(driver, live_server.url)
    try:
        yield session
        errors = session.console_errors()
        assert not errors, f"browser console errors: {errors}"
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)

"""kernel.js in Chromium when a kernel was lost: the page says it is restoring the learner's
work while earlier cells replay, then shows the cell's own output and "Restored"."""

import pytest

from learn import sandbox as seam
from tests.browser.conftest import wait_for
from tests.browser.test_kernel import click_run, output, set_code, wait_output, wait_state
from tests.sandbox.fixtures import PART, TRACK

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]

RECORD_MESSAGES = """
window.kernelMessages = [];
const node = document.querySelector('[data-kernel-message]');
new MutationObserver(() => window.kernelMessages.push(node.textContent))
  .observe(node, {childList: true, characterData: true, subtree: true});
"""


@pytest.fixture
def driver(browser, sandbox, settings):
    settings.ROOT_URLCONF = "tests.sandbox.contract_page"
    browser.get("/kernel-contract/")
    return browser.driver


def test_a_lost_kernel_is_restored_and_the_page_says_so(driver, sandbox):
    set_code(driver, "setup", "import numpy as np\nbias = 41")
    click_run(driver, "setup")
    wait_state(driver, "Ready")
    set_code(driver, "pixels", "image = np.eye(3) + bias")
    click_run(driver, "pixels")
    wait_for(driver, lambda d: output(d, "pixels").get_attribute("aria-busy") is None)
    wait_state(driver, "Ready")

    session_key = driver.get_cookie("sessionid")["value"]
    kernel_id, _owner = seam.kernel_ids(f"s{session_key}", TRACK, PART)
    sandbox.call({"op": "shutdown", "kernel": kernel_id})  # the server takes the kernel away

    driver.execute_script(RECORD_MESSAGES)
    set_code(driver, "plot", "print(int(image.sum()), bias)")
    click_run(driver, "plot")
    shown = wait_output(driver, "plot", ".output-stream")
    assert shown.text == "372 41"
    wait_state(driver, "Restored")
    messages = driver.execute_script("return window.kernelMessages")
    assert "Restoring your work: replaying cells 001–002…" in messages
    assert "Your work was restored: replayed cells 001–002." in messages[-1]

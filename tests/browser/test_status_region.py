"""The one status region: a message flashed with a page is announced again a moment after it
loads, and never hides a newer message that arrived in that moment."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
NEWER = """() => {
  const p = document.createElement("p");
  p.textContent = "A newer message";
  document.getElementById("status").replaceChildren(p);
}"""


def test_a_message_that_arrives_first_is_not_hidden_by_the_flashed_one(
    browser_page: Page, live_server: str
):
    """A quick action's answer, given while the flash waits to be re-announced, stays."""
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Your name on this site").fill("sam_reads")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.evaluate(NEWER)
    page.wait_for_timeout(600)
    expect(page.get_by_role("status")).to_have_text("A newer message")


def test_a_flashed_message_is_put_back_to_be_announced(browser_page: Page, live_server: str):
    """With nothing newer, the flashed message is in the region again after the moment."""
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Your name on this site").fill("sam_reads")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")

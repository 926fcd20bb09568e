"""A tapped vote answers at the speed of a thumb: it looks pressed and busy at once, and its
count and its button change together, even on a slow connection while the page is live."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_layout import sign_in

pytestmark = pytest.mark.browser

TEEN_SPACE = "What should we do with the teen space"
QUIET = "Quiet study booths"
# Slow 3G's round trip, and more: every answer from the server comes this much later.
LATENCY_MS = 800
# Notes, in the page, when the idea's count and its button first show the vote, by the clock
# of the page (performance.now()).
WATCH_COUNT_AND_BUTTON = """
(ideaId) => {
  window.seen = {};
  const note = () => {
    const count = document.getElementById(`vote-count-${ideaId}`);
    const button = document.getElementById(`vote-button-${ideaId}`);
    if (!window.seen.count && count && count.textContent.trim() === "1 vote") {
      window.seen.count = performance.now();
    }
    if (!window.seen.button && button && button.textContent.trim() === "Take back my vote") {
      window.seen.button = performance.now();
    }
  };
  new MutationObserver(note).observe(document.body, {
    childList: true, subtree: true, characterData: true,
  });
}
"""


def slow_connection(page: Page) -> None:
    """Every answer from the server comes LATENCY_MS late; streams already open are not held."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def open_teen_space(page: Page, base_url: str) -> str:
    """The demo consultation open for votes, with its stream open; the Quiet idea's id."""
    page.goto(base_url + "/")
    page.get_by_role("link", name=TEEN_SPACE).click()
    expect(page.locator("main[data-live=open]")).to_have_count(1, timeout=5_000)
    vote = page.get_by_role("button", name=f"Vote for this idea: {QUIET}")
    return vote.get_attribute("id").removeprefix("vote-button-")


def test_a_tapped_vote_looks_pressed_and_busy_until_its_answer_comes(
    browser_page: Page, live_server: str
):
    """Straight after the tap, on a slow connection: the form is busy (aria-busy, from htmx's
    request class) and its button looks pressed; once the answer is in, neither."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    idea_id = open_teen_space(page, live_server)
    slow_connection(page)
    form = page.locator(f"#vote-{idea_id} form")
    page.get_by_role("button", name=f"Vote for this idea: {QUIET}").click()
    expect(form).to_have_attribute("aria-busy", "true", timeout=LATENCY_MS / 2)
    expect(form).to_have_class("htmx-request", timeout=LATENCY_MS / 2)
    pressed = form.get_by_role("button").evaluate("(b) => getComputedStyle(b).transform")
    assert pressed != "none", "the tapped button does not look pressed"
    take_back = page.get_by_role("button", name=f"Take back my vote: {QUIET}")
    expect(take_back).to_be_visible()
    expect(page.locator(f"#vote-{idea_id} [aria-busy]")).to_have_count(0)
    assert take_back.evaluate("(b) => getComputedStyle(b).transform") == "none"


def test_the_count_and_the_button_change_together_while_the_page_is_live(
    browser_page: Page, live_server: str
):
    """The page's own stream brings the new count before the vote's answer comes; the count
    waits for the answer, so count and button change in the same moment."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    idea_id = open_teen_space(page, live_server)
    slow_connection(page)
    page.evaluate(WATCH_COUNT_AND_BUTTON, idea_id)
    page.get_by_role("button", name=f"Vote for this idea: {QUIET}").click()
    expect(page.get_by_role("button", name=f"Take back my vote: {QUIET}")).to_be_visible()
    expect(page.locator(f"#vote-count-{idea_id}")).to_have_text("1 vote")
    seen = page.evaluate("window.seen")
    apart = seen["button"] - seen["count"]
    assert abs(apart) < 20, f"the count changed {apart:.0f} ms before the button"

"""When streams cannot be had (here: Redis is down), live pages poll, quietly, and voting works."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import card_with_link, sign_in
from tests.browser.test_live_pages import GAMING, TEEN_SPACE, open_question, second_phone

pytestmark = pytest.mark.browser


@pytest.fixture
def live_config() -> dict:
    """Redis unreachable, and a short polling interval so the test need not wait 30 s."""
    return {"REDIS_URL": "redis://127.0.0.1:1/0", "LIVE_POLL_SECONDS": 1}


def test_without_streams_the_page_polls_and_says_nothing_alarming(
    browser_page: Page, live_server: str
):
    """The watcher's page falls back to polling and still shows the other phone's vote."""
    watcher = browser_page
    watcher.goto(live_server)
    open_question(watcher, TEEN_SPACE)
    expect(watcher.locator("main[data-live=polling]")).to_have_count(1, timeout=5_000)
    count = card_with_link(watcher, GAMING).locator(".vote-count")
    before = int(re.search(r"\d+", count.inner_text()).group())

    voter = second_phone(watcher)
    voter.goto(live_server)
    sign_in(voter, "alex_draws", "demo-password")
    open_question(voter, TEEN_SPACE)
    card_with_link(voter, GAMING).get_by_role("button", name="Vote for this idea").click()
    expect(voter.get_by_role("status")).to_contain_text("Your vote is counted.")

    noun = "vote" if before + 1 == 1 else "votes"
    expect(count).to_have_text(re.compile(rf"^\s*{before + 1} {noun}\s*$"), timeout=5_000)
    expect(watcher.locator("#status")).to_be_empty()
    voter.context.close()

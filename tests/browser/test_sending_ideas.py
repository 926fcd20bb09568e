"""Sending an idea, in a real browser: one button sends it, similar ideas only advise, and the
idea's own page does not greet its author with news of its own creation."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
SECONDARY = "How could your library help you get ready for secondary school?"
SIMILAR = "Homework club after school"


@pytest.fixture
def live_config() -> dict:
    """Events wait a whole second before they are handed out, so a page opened just after a
    change surely opens while the event of that change still waits (slow servers do this)."""
    return {"LIVE_COALESCE_SECONDS": 1.0}


def open_propose_form(page: Page, base_url: str) -> None:
    """Sam, a demo young person, opens the form to share an idea about secondary school."""
    page.goto(base_url)
    sign_in(page, "sam_reads", PASSWORD)
    page.get_by_role("link", name=SECONDARY).click()
    page.get_by_role("link", name="Share an idea").first.click()


def test_send_my_idea_sends_it_when_similar_ideas_are_shown(browser_page: Page, live_server):
    """The similar ideas appear as the title is typed; "Send my idea" still sends, once."""
    page = browser_page
    open_propose_form(page, live_server)
    page.get_by_label("Your idea in a few words").fill("Homework club")
    expect(page.locator("#similar-ideas").get_by_role("link", name=SIMILAR)).to_be_visible()
    page.get_by_label("Tell us more").fill("A homework club on Saturday mornings.")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    expect(page.get_by_role("heading", level=1, name="Homework club")).to_be_visible()
    expect(page.get_by_role("button", name="My idea is different — send it")).to_have_count(0)


def test_without_javascript_send_my_idea_sends_it_and_then_shows_similar_ideas(
    browser_page: Page, live_server
):
    """With no script at all, the first press sends; the idea's page then shows the ideas
    like it, as advice."""
    context = browser_page.context.browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    open_propose_form(page, live_server)
    page.get_by_label("Your idea in a few words").fill("Homework club")
    page.get_by_label("Tell us more").fill("A homework club on Saturday mornings.")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    expect(page.get_by_role("heading", level=1, name="Homework club")).to_be_visible()
    expect(page.get_by_text("Other people have shared ideas like yours.")).to_be_visible()
    expect(page.get_by_role("link", name=SIMILAR)).to_be_visible()


def test_a_form_sent_back_keeps_everything_typed(browser_page: Page, live_server):
    """Forgetting "Tell us more" says so and keeps the title; then the same button sends."""
    page = browser_page
    open_propose_form(page, live_server)
    page.get_by_label("Your idea in a few words").fill("Homework club")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("alert").or_(page.locator(".error-summary"))).to_contain_text(
        "Tell us more"
    )
    expect(page.get_by_label("Your idea in a few words")).to_have_value("Homework club")
    page.get_by_label("Tell us more").fill("A homework club on Saturday mornings.")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")


def test_a_new_ideas_page_does_not_announce_its_own_creation(browser_page: Page, live_server):
    """Another phone watches the question (so the new idea's event is handed out); the page of
    the idea just sent listens, and is told no news about it."""
    watcher = browser_page.context.browser.new_context(**PHONE).new_page()
    watcher.goto(live_server)
    sign_in(watcher, "alex_draws", PASSWORD)
    watcher.get_by_role("link", name=SECONDARY).click()
    expect(watcher.locator("main[data-live=open]")).to_have_count(1, timeout=5_000)

    page = browser_page
    open_propose_form(page, live_server)
    page.get_by_label("Your idea in a few words").fill("Board games at lunch")
    page.get_by_label("Tell us more").fill("Games to play with new friends at lunchtime.")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    expect(page.locator("main[data-live=open]")).to_have_count(1, timeout=5_000)
    page.wait_for_timeout(2_500)  # well past the moment the idea's own event is handed out
    expect(page.locator("#idea-news")).to_be_empty()
    expect(page.get_by_text("There is news about this idea.")).to_have_count(0)
    watcher.context.close()

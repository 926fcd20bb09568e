"""With JavaScript switched off, the same forms still do the whole job."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import go_to

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser_page: Page):
    """A phone-sized page in a browser context that runs no JavaScript at all."""
    context = browser_page.context.browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_young_person_joins_proposes_and_votes_without_javascript(no_js_page: Page, live_server):
    """Join, propose, vote and take the vote back, each a plain form post and redirect."""
    page = no_js_page
    page.goto(f"{live_server}/join")
    page.get_by_label("Choose a name to use here").fill("no_script_reader")
    page.get_by_label("Choose a password").fill("a-long-password")
    page.get_by_label("Type the password again").fill("a-long-password")
    page.get_by_role("radio", name="11 to 13").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, no_script_reader!")

    page.get_by_role("link", name="How could your library help you get ready").click()
    page.get_by_role("link", name="Share an idea").click()
    page.get_by_label("Your idea in a few words").fill("Exam revision sessions")
    page.get_by_label("Tell us more").fill("Quiet sessions with past papers in the spring.")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    expect(page.get_by_text("Waiting for staff to check", exact=True)).to_be_visible()

    go_to(page, "Consultations")
    page.get_by_role("link", name="What should we do with the teen space").click()
    card = page.get_by_role("listitem").filter(has_text="Quiet study booths")
    card.get_by_role("button", name="Vote for this idea").click()
    expect(page).to_have_url(re.compile(r"/consultations/\d+#vote-\d+$"))  # back at the idea
    expect(page.get_by_role("status")).to_contain_text("Your vote is counted.")
    card = page.get_by_role("listitem").filter(has_text="Quiet study booths")
    expect(card).to_contain_text("1 vote")
    expect(page.get_by_text("You have 2 votes left in this consultation.")).to_be_visible()
    card.get_by_role("button", name="Take back my vote").click()
    expect(page.get_by_role("status")).to_contain_text("Your vote is taken back.")
    expect(page.get_by_role("listitem").filter(has_text="Quiet study booths")).to_contain_text(
        "0 votes"
    )

"""Staff put a new question to young people, in a phone-sized browser, and young people find it.

The opening and closing times go through Chromium's own date and time field, so this proves the
form reads what a real browser sends.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import card_with_link, go_to, sign_in, sign_out

pytestmark = pytest.mark.browser

QUESTION = "What should the library add for teenagers this summer?"
STAFF = ("library_staff", "demo-password")
YOUNG_PERSON = ("sam_reads", "demo-password")


def test_staff_create_a_draft_open_it_and_a_young_person_finds_it(
    browser_page: Page, live_server: str, page_log
):
    """A draft stays hidden; once open for ideas it is listed, with its closing time."""
    page = browser_page
    page.goto(live_server + "/")
    sign_in(page, *STAFF)

    go_to(page, "Manage consultations")
    page.get_by_role("link", name="New consultation").click()
    expect(page.get_by_role("heading", level=1, name="New consultation")).to_be_visible()
    page.get_by_label("Question for young people").fill(QUESTION)
    page.get_by_label("More about the question").fill("We can run one new thing in August.")
    page.get_by_label("Library", exact=True).select_option(label="Eastgate Library")
    page.get_by_label("Closes").fill("2099-07-01T17:30")
    page.get_by_label("Votes for each person").fill("2")
    page.get_by_role("button", name="Save consultation").click()

    expect(page.get_by_role("status")).to_contain_text(f"Consultation saved: {QUESTION}")
    card = card_with_link(page, QUESTION)
    expect(card).to_contain_text("Draft")
    expect(card).to_contain_text("Eastgate Library")
    expect(card).to_contain_text("Closes 1 Jul 2099, 17:30")
    sign_out(page, STAFF[0])

    page.goto(live_server + "/")
    expect(page.get_by_role("link", name=QUESTION)).to_have_count(0)

    sign_in(page, *STAFF)
    go_to(page, "Manage consultations")
    card = card_with_link(page, QUESTION)
    card.get_by_role("combobox", name="Phase", exact=True).select_option(label="Open for ideas")
    card.get_by_role("button", name="Change phase").click()
    expect(page.get_by_role("status")).to_contain_text("Phase changed.")
    sign_out(page, STAFF[0])

    sign_in(page, *YOUNG_PERSON)
    go_to(page, "Consultations")
    page.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    expect(page.get_by_text("Closes 1 July 2099")).to_be_visible()  # the day, not the time
    expect(page.get_by_role("link", name="Share an idea")).to_be_visible()

    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == []
    assert page_log.csp_violations == []

"""Focus stays where a person acted when a vote is taken back from "Your votes"."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_layout import sign_in
from tests.browser.test_vote_budget import (  # noqa: F401 (the fixture: two votes each)
    GAMING,
    QUIET,
    card,
    live_server,
    open_teen_space,
)

pytestmark = pytest.mark.browser


def focused_name(page: Page) -> str:
    """What holds focus: its tag and accessible label, or BODY when focus is lost."""
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el.tagName + ' ' + (el.getAttribute('aria-label') || el.id || ''); }"
    )


def test_taking_a_vote_back_from_your_votes_keeps_focus_at_that_idea(
    browser_page: Page,
    live_server: str,  # noqa: F811
):
    """With both votes used, "Take back my vote" in "Your votes" frees one: focus lands on that
    idea's vote button, not the page, and the status region says what happened."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    open_teen_space(page, live_server)
    for title in (GAMING, QUIET):
        card(page, title).get_by_role("button", name=f"Vote for this idea: {title}").click()
        expect(card(page, title).get_by_role("button", name="Take back my vote")).to_be_visible()
    mine = page.locator(".your-votes-list")
    mine.get_by_role("button", name=f"Take back my vote: {QUIET}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your vote is taken back.")
    vote_again = card(page, QUIET).get_by_role("button", name=f"Vote for this idea: {QUIET}")
    expect(vote_again).to_be_focused()
    assert not focused_name(page).startswith("BODY")


def test_an_htmx_answer_that_removes_the_focused_button_moves_focus_where_it_says(
    browser_page: Page,
    live_server: str,  # noqa: F811
):
    """When "Your votes" is answered in place by htmx (as a shorter list may be), the list that
    held focus empties; focus moves to the place its button names (the idea's vote button),
    never to the page itself."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    open_teen_space(page, live_server)
    for title in (GAMING, QUIET):
        card(page, title).get_by_role("button", name=f"Vote for this idea: {title}").click()
        expect(card(page, title).get_by_role("button", name="Take back my vote")).to_be_visible()
    page.evaluate(
        """() => {
          for (const form of document.querySelectorAll(".your-votes-list form")) {
            form.setAttribute("hx-post", form.getAttribute("action"));
            form.setAttribute("hx-swap", "none");
            form.setAttribute("hx-include", ".vote-shown");
            htmx.process(form);
          }
          window.stillTheSamePage = true;
        }"""
    )
    mine = page.locator(".your-votes-list")
    mine.get_by_role("button", name=f"Take back my vote: {QUIET}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your vote is taken back.")
    expect(page.get_by_role("heading", name="Your votes")).to_have_count(0)
    expect(card(page, QUIET).locator(".vote button")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage === true")

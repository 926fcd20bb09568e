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


def test_taking_a_vote_back_reached_from_your_votes_keeps_focus_at_that_idea(
    browser_page: Page,
    live_server: str,  # noqa: F811
):
    """With both votes used, "Your votes" links to each idea's vote: following one puts focus on
    its "Take back my vote" button, and taking the vote back leaves focus on the idea's vote
    button, not the page, with the status region saying what happened."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    open_teen_space(page, live_server)
    for title in (GAMING, QUIET):
        card(page, title).get_by_role("button", name=f"Vote for this idea: {title}").click()
        expect(card(page, title).get_by_role("button", name="Take back my vote")).to_be_visible()
    page.locator(".your-votes-list").get_by_role("link", name=QUIET).click()
    take_back = page.get_by_role("button", name=f"Take back my vote: {QUIET}")
    expect(take_back).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your vote is taken back.")
    expect(page.get_by_role("button", name=f"Vote for this idea: {QUIET}")).to_be_focused()
    assert not focused_name(page).startswith("BODY")


def test_an_htmx_answer_that_removes_the_focused_button_moves_focus_where_it_says(
    browser_page: Page,
    live_server: str,  # noqa: F811
):
    """When an htmx answer removes the block that held focus ("Your votes" goes once a vote is
    free again), focus moves to the place the focused button names in data-focus-after (the
    idea's vote button), never to the page itself."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    open_teen_space(page, live_server)
    for title in (GAMING, QUIET):
        card(page, title).get_by_role("button", name=f"Vote for this idea: {title}").click()
        expect(card(page, title).get_by_role("button", name="Take back my vote")).to_be_visible()
    idea_id = card(page, QUIET).locator(".vote").get_attribute("id").removeprefix("vote-")
    # A take-back button inside "Your votes", answered in place: the answer removes the list.
    page.evaluate(
        """(id) => {
          const form = document.createElement("form");
          form.setAttribute("hx-post", `/ideas/${id}/unvote`);
          form.setAttribute("hx-swap", "none");
          form.setAttribute("hx-include", ".vote-shown");
          const button = document.createElement("button");
          button.textContent = "Take back";
          button.setAttribute("data-focus-after", `vote-button-${id}`);
          form.appendChild(button);
          document.querySelector(".your-votes-list").appendChild(form);
          htmx.process(form);
          window.stillTheSamePage = true;
        }""",
        idea_id,
    )
    page.locator(".your-votes-list").get_by_role("button", name="Take back").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your vote is taken back.")
    expect(page.get_by_role("heading", name="Your votes")).to_have_count(0)
    expect(card(page, QUIET).locator(".vote button")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage === true")

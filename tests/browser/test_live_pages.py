"""Live pages in real browsers: what one person does shows on another's screen, unreloaded."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import card_with_link, go_to, send_idea, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
TEEN_SPACE = "What should we do with the teen space at Central Library?"
SECONDARY = "How could your library help you get ready for secondary school?"
GAMING = "Gaming club on Friday evenings"


def second_phone(page: Page) -> Page:
    """Another phone, with its own cookies, in the same browser."""
    context = page.context.browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    return context.new_page()


def open_question(page: Page, question: str) -> None:
    """Open a consultation from the list of questions."""
    go_to(page, "Consultations")
    page.get_by_role("link", name=question).click()
    expect(page.get_by_role("heading", level=1, name=question)).to_be_visible()


def propose_on_a_phone(page: Page, base_url: str, title: str) -> Page:
    """A young person proposes an idea on another phone; that phone, for closing."""
    phone = second_phone(page)
    phone.goto(base_url)
    sign_in(phone, "sam_reads", PASSWORD)
    open_question(phone, SECONDARY)
    phone.get_by_role("link", name="Share an idea").click()
    phone.get_by_label("Your idea in a few words").fill(title)
    phone.get_by_label("Tell us more").fill("Something to help us get ready for secondary school.")
    send_idea(phone)
    expect(phone.get_by_role("status")).to_contain_text("Thank you!")
    return phone


def open_queue(page: Page, base_url: str) -> None:
    """Staff sign in on a desktop screen and open the moderation queue, listening."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url)
    sign_in(page, "library_staff", PASSWORD)
    go_to(page, "Moderation")
    listening(page)


def listening(page: Page) -> None:
    """Wait until the page's stream is open (the server answered with its first bytes)."""
    expect(page.locator("main[data-live=open]")).to_have_count(1, timeout=5_000)


def test_a_vote_on_one_phone_shows_on_another_within_two_seconds(
    browser_page: Page, live_server: str
):
    """Two young people look at the same question; one votes, the other's count goes up."""
    watcher = browser_page
    watcher.goto(live_server)
    sign_in(watcher, "sam_reads", PASSWORD)
    open_question(watcher, TEEN_SPACE)
    listening(watcher)
    count = card_with_link(watcher, GAMING).locator(".vote-count")
    before = int(re.search(r"\d+", count.inner_text()).group())

    voter = second_phone(watcher)
    voter.goto(live_server)
    sign_in(voter, "alex_draws", PASSWORD)
    open_question(voter, TEEN_SPACE)
    card_with_link(voter, GAMING).get_by_role("button", name="Vote for this idea").click()
    expect(voter.get_by_role("status")).to_contain_text("Your vote is counted.")

    noun = "vote" if before + 1 == 1 else "votes"
    expect(count).to_have_text(re.compile(rf"^\s*{before + 1} {noun}\s*$"), timeout=2_000)
    # Someone else's vote is not read out, and leaves the watcher's focus where it was.
    expect(watcher.locator("#status")).not_to_contain_text("vote")
    voter.context.close()


def test_staff_see_a_new_idea_arrive_in_the_queue_without_reloading(
    browser_page: Page, live_server: str
):
    """The moderation queue takes in a proposal made on a phone while staff look at it."""
    staff = browser_page
    open_queue(staff, live_server)
    waiting = staff.get_by_role("region", name=re.compile("Waiting for a decision"))
    expect(waiting.get_by_role("heading", level=2)).to_have_text("Waiting for a decision (2)")

    phone = propose_on_a_phone(staff, live_server, "Tour of the big school library")

    expect(waiting.get_by_role("link", name="Tour of the big school library")).to_be_visible(
        timeout=3_000
    )
    expect(waiting.get_by_role("heading", level=2)).to_have_text("Waiting for a decision (3)")
    expect(staff.get_by_role("status")).to_contain_text(
        "The ideas waiting for a decision have changed."
    )
    phone.context.close()


def test_a_change_never_moves_focus_and_waits_until_focus_leaves(
    browser_page: Page, live_server: str
):
    """While staff are on a link in the queue, the queue is not replaced; once they leave, it is."""
    staff = browser_page
    open_queue(staff, live_server)
    focused = staff.get_by_role("link", name="Buddy reading with Year 6s")
    focused.focus()

    phone = propose_on_a_phone(staff, live_server, "Library lunch club")

    staff.wait_for_timeout(1_500)
    expect(focused).to_be_focused()
    expect(staff.get_by_role("link", name="Library lunch club")).to_have_count(0)
    staff.get_by_role("heading", level=1).click()
    expect(staff.get_by_role("link", name="Library lunch club")).to_be_visible(timeout=3_000)
    phone.context.close()

"""The whole idea loop in a phone-sized browser: propose, moderate, link, vote, review.

Every click and every field is found the way a person finds it: by its visible label or role.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from app.outcome_plain_words import PLAIN_WORDS
from tests.browser.steps import card_with_link, go_to, menu, send_idea, sign_in, sign_out

pytestmark = pytest.mark.browser

QUESTION = "How could your library help you get ready for secondary school?"
STAFF = ("library_staff", "demo-password")
REVIEWER = ("qlp_reviewer", "demo-password")
YOUNG_PERSON = ("page_turner_14", "my-library-password")
IDEA_TITLE = "Homework club with older students"
IDEA_DESCRIPTION = (
    "A weekly club where students already at secondary school help us with homework "
    "and tell us what the first year is really like."
)
AIM_C = "qlp.aim.c"
AIM_C_WORDING = (
    "Develop, plan and implement new services for young people in partnership with the youth "
    "themselves"
)
PROMISE_VISION_5 = "promise.vision.5"


def votes(count: int) -> re.Pattern:
    """The vote count as shown, e.g. "1 vote" but not "1 votes"."""
    noun = "vote" if count == 1 else "votes"
    return re.compile(rf"(^|\D){count} {noun}\b")


# --- Steps anyone takes --------------------------------------------------------------------


def open_consultation(page: Page) -> None:
    """Go to the list of consultations and open the demo question."""
    page.get_by_role("link", name="Your library, your ideas").click()
    page.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()


# --- The young person ----------------------------------------------------------------------


def join_as_young_person(page: Page, base_url: str, name: str, password: str) -> None:
    """Join with a made-up name, a password and an age group, and land signed in."""
    page.goto(f"{base_url}/join")
    page.get_by_label("Choose a name to use here").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("group", name="How old are you?").get_by_role("radio", name="14 to 16").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {name}!")
    expect(menu(page).get_by_role("button", name=f"Sign out ({name})")).to_be_visible()


def share_idea(page: Page, title: str, description: str) -> None:
    """Share an idea on the open consultation; it waits for staff."""
    open_consultation(page)
    expect(page.get_by_text("Open for ideas")).to_be_visible()
    page.get_by_role("link", name="Share an idea").click()
    expect(page.get_by_role("heading", level=1, name="Share an idea")).to_be_visible()
    page.get_by_label("Your idea in a few words").fill(title)
    page.get_by_label("Tell us more").fill(description)
    send_idea(page)
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def see_idea_waiting_in_my_ideas(page: Page, title: str) -> None:
    """My ideas lists the new idea as waiting for staff."""
    go_to(page, "My ideas")
    expect(page.get_by_role("heading", level=1, name="My ideas")).to_be_visible()
    expect(card_with_link(page, title)).to_contain_text("Waiting for staff to check")


def vote_without_reload(page: Page, title: str) -> None:
    """Vote, take the vote back and vote again; htmx swaps the button and count in place."""
    open_consultation(page)
    # The consultation's phase, under its question (the status filter has an option so named).
    expect(page.locator(".consultation-header .meta")).to_contain_text("Open for votes")
    card = card_with_link(page, title)
    expect(card).to_contain_text(votes(0))
    # A full page load would drop this marker; an htmx swap keeps it.
    page.evaluate("window.stillTheSamePage = true")
    status = page.get_by_role("status")

    card.get_by_role("button", name="Vote for this idea").click()
    expect(card.get_by_role("button", name="Take back my vote")).to_be_visible()
    expect(card).to_contain_text(votes(1))
    expect(status).to_contain_text("Your vote is counted")

    card.get_by_role("button", name="Take back my vote").click()
    expect(card.get_by_role("button", name="Vote for this idea")).to_be_visible()
    expect(card).to_contain_text(votes(0))
    expect(status).to_contain_text("Your vote is taken back")

    card.get_by_role("button", name="Vote for this idea").click()
    expect(card.get_by_role("button", name="Take back my vote")).to_be_visible()
    expect(card).to_contain_text(votes(1))
    expect(status).to_contain_text("Your vote is counted")

    assert page.evaluate("window.stillTheSamePage === true"), "voting reloaded the whole page"

    page.reload()
    card = card_with_link(page, title)
    expect(card).to_contain_text(votes(1))
    expect(card.get_by_role("button", name="Take back my vote")).to_be_visible()


# --- Library staff -------------------------------------------------------------------------


def approve_idea(page: Page, title: str) -> None:
    """Open the idea from the moderation queue and approve it."""
    go_to(page, "Moderation")
    expect(page.get_by_role("heading", level=1, name="Moderation")).to_be_visible()
    card_with_link(page, title).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    decision = page.get_by_role("combobox", name="Decision", exact=True)
    decision.select_option(label="Approve and publish")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Decision saved: Approve and publish, “{title}”."
    )


def open_published_idea_as_staff(page: Page, title: str) -> None:
    """Open the idea's staff page from the list of published ideas."""
    go_to(page, "Moderation")
    published = page.get_by_role("region", name="Published ideas")
    card = published.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )
    expect(card).to_contain_text("Published")
    card.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def link_outcome(page: Page, outcome_code: str, rationale: str) -> None:
    """Link the idea on this staff page to an outcome, saying why."""
    page.get_by_role("combobox", name="Outcome", exact=True).select_option(value=outcome_code)
    page.get_by_label("Why does this idea serve this outcome?").fill(rationale)
    page.get_by_role("button", name="Link outcome").click()
    expect(page.get_by_role("status")).to_contain_text("Outcome linked.")
    expect(page.get_by_role("button", name=f"Remove link to {outcome_code}")).to_be_visible()


def see_links_on_public_page(page: Page, title: str, rationales: dict[str, str]) -> None:
    """The idea's public page shows each outcome it is linked to in plain words, and why;
    the codes and the source wording stay on staff pages."""
    page.get_by_role("link", name="See the public page").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("Library staff have not linked this idea")).to_have_count(0)
    expect(page.get_by_role("heading", name="What this idea could help with")).to_be_visible()
    main = page.get_by_role("main")
    for code, rationale in rationales.items():
        plain = str(PLAIN_WORDS[code])
        expect(main.get_by_role("listitem").filter(has_text=plain)).to_contain_text(
            f"Why: {rationale}"
        )
        expect(main).not_to_contain_text(code)
    expect(main).not_to_contain_text(AIM_C_WORDING)


def open_consultation_for_votes(page: Page) -> None:
    """Move the demo consultation from ideas to votes on the Manage consultations page."""
    go_to(page, "Manage consultations")
    expect(page.get_by_role("heading", level=1, name="Manage consultations")).to_be_visible()
    card = card_with_link(page, QUESTION)
    expect(card).to_contain_text("Open for ideas")
    card.get_by_role("combobox", name="Phase", exact=True).select_option(label="Open for votes")
    card.get_by_role("button", name="Change phase").click()
    expect(page.get_by_role("status")).to_contain_text("Phase changed.")
    expect(card_with_link(page, QUESTION)).to_contain_text("Open for votes")


# --- The QLP reviewer ----------------------------------------------------------------------


def see_idea_under_outcome(page: Page, wording: str, title: str, vote_count: int) -> None:
    """The QLP dashboard counts the idea under the outcome's own words, and opening the
    outcome loads its ideas in place, with votes and status."""
    go_to(page, "QLP dashboard")
    page.get_by_role("link", name=re.compile("^Ideas by outcome")).click()
    expect(page.get_by_role("heading", level=1, name="Ideas by outcome")).to_be_visible()
    outcome_row = page.get_by_role("listitem").filter(has_text=wording)
    expect(outcome_row).to_have_count(1)
    outcome_row.get_by_text("1 idea", exact=True).click()
    idea = outcome_row.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )
    expect(idea).to_contain_text(votes(vote_count))
    expect(idea).to_contain_text("Published")


# --- The loop ------------------------------------------------------------------------------


def test_young_person_idea_goes_from_proposal_to_votes_to_review_dashboard(
    browser_page: Page, live_server: str, page_log
):
    """A new young person's idea is approved, linked, voted for and seen by the QLP team."""
    page = browser_page
    young_name, young_password = YOUNG_PERSON

    join_as_young_person(page, live_server, young_name, young_password)
    share_idea(page, IDEA_TITLE, IDEA_DESCRIPTION)
    see_idea_waiting_in_my_ideas(page, IDEA_TITLE)
    sign_out(page, young_name)

    sign_in(page, *STAFF)
    approve_idea(page, IDEA_TITLE)
    open_published_idea_as_staff(page, IDEA_TITLE)
    rationales = {
        AIM_C: "Young people asked for it and would run it with us.",
        PROMISE_VISION_5: "Older students volunteer to help younger ones.",
    }
    for code, rationale in rationales.items():
        link_outcome(page, code, rationale)
    see_links_on_public_page(page, IDEA_TITLE, rationales)
    open_consultation_for_votes(page)
    sign_out(page, STAFF[0])

    sign_in(page, young_name, young_password)
    vote_without_reload(page, IDEA_TITLE)
    sign_out(page, young_name)

    sign_in(page, *REVIEWER)
    see_idea_under_outcome(page, AIM_C_WORDING, IDEA_TITLE, vote_count=1)

    assert page_log.requests, "the page log recorded no requests"
    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == []
    assert page_log.page_errors == []
    assert page_log.csp_violations == []

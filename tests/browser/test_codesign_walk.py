"""From an accepted idea to a reviewed service, on a phone, as staff, a young person and a reviewer.

Staff accept a demo idea and start a co-designed service from it; a young person offers to
help; staff accept them and log a session; a QLP reviewer rates every aim and outcome with
evidence and signs; the young person finds it all on "You said, we did".
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import go_to, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
IDEA = "Gaming club on Friday evenings"
SERVICE = "Friday games night"
SUMMARY = "A games night on Fridays, planned with you: consoles, board games and snacks."
QLP_ITEMS = [f"Aim {letter}" for letter in "abcd"] + [f"Outcome {letter}" for letter in "abcdef"]


def decide(page: Page, base_url: str, decision: str) -> None:
    """Staff make a decision on the demo idea from its moderation page."""
    page.goto(f"{base_url}/staff/ideas/1")
    page.get_by_label("Decision").select_option(label=decision)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("status")).to_contain_text(f"Decision saved: {decision}")


def start_service(page: Page) -> None:
    """Staff start a co-designed service from the accepted idea."""
    go_to(page, "Co-designed services")
    page.get_by_role("link", name=f"Start a service from “{IDEA}”").click()
    page.get_by_label("Name of the service").fill(SERVICE)
    page.get_by_label("What it is, in plain words for young people").fill(SUMMARY)
    page.get_by_label("The need it meets").fill("Somewhere safe and fun to be on Friday nights.")
    page.get_by_role("group", name="Age bands it is for").get_by_label("11-13").check()
    page.get_by_role("group", name="Age bands it is for").get_by_label("14-16").check()
    page.get_by_label("Young refugees and asylum seekers").check()
    page.get_by_label("Quality Leader").select_option(label="library_staff")
    page.get_by_role("button", name="Start the service").click()
    expect(page.get_by_role("heading", level=1, name=SERVICE)).to_be_visible()


def volunteer(page: Page, base_url: str) -> None:
    """A young person offers to help design the idea, happy to be credited."""
    page.goto(f"{base_url}/ideas/1")
    expect(page.get_by_role("heading", name="What your idea became")).to_be_visible()
    page.get_by_label("Show my name (your pseudonym) on the public page as a co-designer").check()
    page.get_by_role("button", name="I want to help design this").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.get_by_text("Waiting for staff", exact=True)).to_be_visible()


def accept_volunteer_and_log_session(page: Page) -> None:
    """Staff accept the offer in place and log a co-design session."""
    page.reload()
    page.get_by_role("button", name="Accept sam_reads").click()
    expect(page.locator("#codesigners")).to_contain_text("Co-designer")
    # Sessions are folded until opened (the page's sections fold what is not in use).
    page.locator("#sessions-section summary").first.click()
    session = page.locator("#sessions-panel")
    session.get_by_text("Log a session").click()
    session.get_by_label("Date").fill("2026-11-20")
    session.get_by_label("Place").fill("Central Library, teen space")
    session.get_by_label("Aged 11-13").fill("4")
    session.get_by_label("Aged 14-16").fill("3")
    session.get_by_label("Adults").fill("2")
    session.get_by_label("It brought generations or communities together").check()
    session.get_by_label("How it brought them together").fill(
        "Grandparents taught the board games they played as children."
    )
    session.get_by_label("What the young people decided").fill(
        "Start at 6pm, with a quiet corner for reading."
    )
    session.get_by_role("button", name="Save the session").click()
    expect(page.locator("#sessions")).to_contain_text("Central Library, teen space")


def review_and_sign(page: Page) -> None:
    """A QLP reviewer rates every aim and outcome with evidence, then signs the review."""
    go_to(page, "QLP dashboard")
    page.get_by_role("link", name=SERVICE).first.click()
    page.get_by_label("First day of the period reviewed").fill("2026-11-01")
    page.get_by_label("Last day of the period reviewed").fill("2026-11-22")
    page.get_by_role("button", name="Start a review").click()
    for item in QLP_ITEMS:
        rating = page.locator("section.qlp-rating").filter(
            has=page.get_by_role("heading", name=item, exact=True)
        )
        rating.get_by_label("Emerging").check()
        rating.get_by_label("Evidence").fill(f"Seen at the first session ({item}).")
        rating.get_by_role("button", name="Save rating").click()
        expect(page.get_by_role("status")).to_contain_text(item)
    comment = page.get_by_role("textbox", name="Overall comment")
    comment.fill("A promising start, led by the young people.")
    page.get_by_role("group", name="Recommendation").get_by_label("Continue").check()
    page.get_by_role("button", name="Save comment and recommendation").click()
    expect(page.get_by_role("status")).to_contain_text("Overall comment and recommendation saved.")
    page.reload()
    page.get_by_role("button", name="Sign this review").click()
    expect(page.get_by_role("status")).to_contain_text("signed")


def see_you_said_we_did(page: Page) -> None:
    """The young person finds the service, its idea and their credit on "You said, we did"."""
    go_to(page, "You said, we did")
    story = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=SERVICE))
    expect(story).to_contain_text(SUMMARY)
    expect(story).to_contain_text(IDEA)
    expect(story).to_contain_text("sam_reads")


def test_an_accepted_idea_becomes_a_reviewed_service_young_people_can_follow(
    live_server: str, browser_page: Page, page_log
):
    """The whole QLP story at 360×740, each person in their own browser."""
    staff = browser_page
    browser: Browser = staff.context.browser
    young = browser.new_context(**PHONE).new_page()
    reviewer = browser.new_context(**PHONE).new_page()
    try:
        staff.goto(live_server)
        sign_in(staff, "library_staff", PASSWORD)
        decide(staff, live_server, "Consider it")
        decide(staff, live_server, "Accept")
        start_service(staff)

        young.goto(live_server)
        sign_in(young, "sam_reads", PASSWORD)
        volunteer(young, live_server)

        accept_volunteer_and_log_session(staff)

        reviewer.goto(live_server)
        sign_in(reviewer, "qlp_reviewer", PASSWORD)
        review_and_sign(reviewer)
        reviewer.get_by_role("link", name=f"Every review of {SERVICE}").click()
        table = reviewer.get_by_role("table")
        expect(table.get_by_role("cell", name="Emerging")).to_have_count(len(QLP_ITEMS))

        see_you_said_we_did(young)
    finally:
        young.context.close()
        reviewer.context.close()
    assert page_log.console_errors == []
    assert page_log.csp_violations == []
    assert not re.search("Traceback", staff.content())

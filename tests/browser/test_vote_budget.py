"""On a phone, a refused vote shows where it was tapped, and a used vote budget shows on every
idea at once, with htmx and without JavaScript."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Consultation
from tests.browser.conftest import PHONE
from tests.browser.test_layout import sign_in

pytestmark = pytest.mark.browser

TEEN_SPACE = "What should we do with the teen space"
GAMING, QUIET, MANGA = (
    "Gaming club on Friday evenings",
    "Quiet study booths",
    "Manga and comics corner",
)
USED = "You have used your 2 votes. Take one back to vote for this."


@pytest.fixture
def live_server(live_server, tmp_path):
    """The demo site, with two votes each in the teen space consultation (it has three ideas)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/browser.db",
            "SECRET_KEY": "browser-test",
            "TESTING": False,
        }
    )
    with app.app_context():
        teen_space = db.session.execute(
            select(Consultation).where(Consultation.question.startswith(TEEN_SPACE))
        ).scalar_one()
        teen_space.vote_budget = 2
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return live_server


def card(page: Page, title: str) -> Locator:
    """The idea's card in the consultation's list (not its line in "Your votes")."""
    return page.locator("li.card").filter(has=page.get_by_role("link", name=title, exact=True))


def open_teen_space(page: Page, base_url: str) -> None:
    """The consultation open for votes, from the list of consultations."""
    page.goto(base_url + "/")
    page.get_by_role("link", name=TEEN_SPACE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TEEN_SPACE)


def on_screen(page: Page, locator: Locator) -> bool:
    """Whether the element is wholly inside the phone's screen as it is scrolled now."""
    return locator.evaluate(
        "(el) => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def test_with_htmx_refusals_show_where_tapped_and_the_budget_turns_every_idea(
    browser_page: Page, live_server: str, page_log
):
    """A stale tab is refused beside the tapped button; using the last vote turns the others."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    open_teen_space(page, live_server)
    page.evaluate("window.stillTheSamePage = true")
    vote_for_quiet = card(page, QUIET).get_by_role(
        "button", name=f"Vote for this idea: {QUIET}", exact=True
    )
    expect(vote_for_quiet).to_be_visible()

    other_tab = page.context.new_page()
    open_teen_space(other_tab, live_server)
    card(other_tab, QUIET).get_by_role("button", name="Vote for this idea").click()
    expect(card(other_tab, QUIET).get_by_role("button", name="Take back my vote")).to_be_visible()
    other_tab.close()

    vote_for_quiet.click()  # this tab still offered it
    refusal = card(page, QUIET).locator(".vote-refusal")
    expect(refusal).to_have_text("You have already voted for this idea.")
    assert on_screen(page, refusal)
    expect(page.get_by_role("status")).to_contain_text("You have already voted for this idea.")
    take_back_quiet = card(page, QUIET).get_by_role("button", name=f"Take back my vote: {QUIET}")
    expect(take_back_quiet).to_be_visible()
    expect(take_back_quiet).to_have_accessible_description(re.compile("already voted"))

    card(page, GAMING).get_by_role("button", name="Vote for this idea").click()
    expect(card(page, MANGA)).to_contain_text(USED)
    expect(card(page, MANGA).get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("heading", name="Your votes")).to_be_visible()
    expect(page.get_by_text("You have 0 votes left in this consultation.")).to_be_visible()

    card(page, GAMING).get_by_role("button", name="Take back my vote").click()
    manga = card(page, MANGA).get_by_role("button", name=f"Vote for this idea: {MANGA}")
    expect(manga).to_be_visible()
    expect(page.get_by_role("heading", name="Your votes")).to_have_count(0)
    expect(page.get_by_text("You have 1 vote left in this consultation.")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true"), "voting reloaded the whole page"
    assert page_log.console_errors == []
    assert page_log.csp_violations == []


def test_without_javascript_the_page_comes_back_at_the_idea_with_its_refusal(
    browser_page: Page, live_server: str
):
    """A refused vote reloads the page scrolled to that idea, which says why, on screen."""
    context = browser_page.context.browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    try:
        page, stale = context.new_page(), context.new_page()
        sign_in(page, live_server, "alex_draws")
        open_teen_space(stale, live_server)
        open_teen_space(page, live_server)
        for title in (GAMING, QUIET):
            card(page, title).get_by_role("button", name="Vote for this idea").click()
            expect(page).to_have_url(re.compile(r"#vote-\d+$"))
            expect(
                card(page, title).get_by_role("button", name="Take back my vote")
            ).to_be_visible()
        expect(card(page, MANGA)).to_contain_text(USED)

        card(stale, MANGA).get_by_role("button", name="Vote for this idea").click()
        expect(stale).to_have_url(re.compile(r"#vote-\d+$"))
        note = card(stale, MANGA).locator(".vote-used-up")
        expect(note).to_have_text(re.compile(re.escape(USED)))
        assert on_screen(stale, note)
        expect(stale.get_by_role("status")).to_contain_text("You have used all 2 of your votes")
        stale.get_by_role("link", name="See your votes").first.click()
        stale.locator(".your-votes-list").get_by_role("link", name=QUIET).click()
        stale.get_by_role("button", name=f"Take back my vote: {QUIET}").click()
        expect(stale.get_by_role("status")).to_contain_text("Your vote is taken back.")
        open_teen_space(stale, live_server)
        expect(card(stale, MANGA).get_by_role("button", name="Vote for this idea")).to_be_visible()
    finally:
        context.close()

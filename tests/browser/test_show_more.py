"""A long list on a phone: Show more appends in place with htmx, plain pages without it."""

import re

import pytest
from playwright.sync_api import Page, expect

from app import create_app
from app.extensions import db
from app.models import Consultation, Idea, IdeaStatus, IdeaStatusChange, User
from tests.browser.test_without_javascript import no_js_page  # noqa: F401

pytestmark = pytest.mark.browser

TEEN_SPACE = "What should we do with the teen space"


@pytest.fixture
def long_list(live_server, tmp_path) -> str:
    """25 more published ideas in the demo consultation open for votes (29 with the demo's)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/browser.db", "SECRET_KEY": "x"}
    )
    with app.app_context():
        consultation = (
            db.session.query(Consultation)
            .filter(Consultation.question.startswith(TEEN_SPACE))
            .one()
        )
        author = db.session.query(User).filter_by(username="robin_writes").one()
        for number in range(1, 26):
            idea = Idea(
                consultation=consultation,
                author=author,
                title=f"Extra idea {number}",
                description="Another idea for the teen space.",
                status=IdeaStatus.PUBLISHED,
            )
            db.session.add(idea)
            db.session.add(IdeaStatusChange(idea=idea, to_status=IdeaStatus.PUBLISHED))
        db.session.commit()
        path = f"/consultations/{consultation.id}"
        db.engine.dispose()
    return live_server + path


def cards(page: Page):
    """The idea cards in the list of ideas."""
    return page.locator("#ideas > li")


def test_show_more_appends_the_next_ideas_in_place(browser_page: Page, long_list, page_log):
    """20 ideas, then Show more adds the other 8 below them, keeps the place in the address,
    moves focus to the first new idea and says what happened."""
    page = browser_page
    page.goto(long_list)
    expect(cards(page)).to_have_count(20)
    page.get_by_role("link", name="Show more ideas").click()
    expect(cards(page)).to_have_count(29)
    expect(page).to_have_url(re.compile(r"\?after="))
    expect(page.get_by_role("status")).to_have_text("9 more shown.")
    expect(page.get_by_role("link", name="Show more ideas")).to_have_count(0)
    first_new = cards(page).nth(20).get_by_role("link").first
    expect(first_new).to_be_focused()
    titles = cards(page).locator("h3").all_inner_texts()
    assert len(set(titles)) == 29
    assert page_log.console_errors == []
    assert page_log.csp_violations == []


def test_without_javascript_show_more_is_the_next_page(no_js_page: Page, long_list):  # noqa: F811
    """The same link opens the next page of ideas, which links back to the first."""
    page = no_js_page
    page.goto(long_list)
    expect(cards(page)).to_have_count(20)
    page.get_by_role("link", name="Show more ideas").click()
    expect(page).to_have_url(re.compile(r"\?after="))
    expect(cards(page)).to_have_count(9)
    page.get_by_role("link", name="Previous page").click()
    expect(cards(page)).to_have_count(20)
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)

"""Staff pages at 360px: tables stack into cards, no word is split across lines, nothing
scrolls sideways, even with a wide ratings table and a long audit entry."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Idea, IdeaStatus, QlpRating, QlpReview, User
from app.moderation.services import link_outcome
from tests.browser.conftest import copy_of_demo, serving
from tests.browser.test_layout import PAGES, sign_in

pytestmark = pytest.mark.browser

STAFF_ACCOUNTS = ["library_staff", "qlp_reviewer", "admin"]
RATINGS_PAGE = "/review/services/1"
# Every word (a run of letters or digits) whose text lands on more than one line, and every
# badge whose text wraps: a word split like "Publis hed".
SPLIT_WORDS = r"""
() => {
  const split = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const lines = (r) => new Set([...r.getClientRects()].filter((b) => b.width > 0)
    .map((b) => Math.round(b.top))).size;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(".visually-hidden, script, style")) continue;
    for (const word of node.textContent.matchAll(/[\p{L}\p{N}]+/gu)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (lines(range) > 1) split.push(`${word[0]} in <${parent.tagName.toLowerCase()}>`);
    }
  }
  for (const badge of document.querySelectorAll(".badge")) {
    range.selectNodeContents(badge);
    if (lines(range) > 1) split.push(`badge on two lines: ${badge.textContent.trim()}`);
  }
  return split;
}
"""
SIDEWAYS = """
() => [document.documentElement, ...document.querySelectorAll(".table-wrap")]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.className || el.tagName}: ${el.scrollWidth}px in ${el.clientWidth}px`)
"""
STACKED_CELLS = """
() => [...document.querySelectorAll(".table-stack td")].map((td) => ({
  label: td.dataset.label,
  shown: getComputedStyle(td, "::before").content,
  display: getComputedStyle(td).display,
}))
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_database):
    """The demo site, with five more signed reviews of its service (a ratings table six reviews
    wide) and an outcome linked with a long rationale (a long audit entry); one for the whole
    module, whose tests only read (and sign in)."""
    database = copy_of_demo(demo_database, tmp_path_factory.mktemp("stacked"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        first = db.session.get(QlpReview, 1)
        for n in range(1, 6):
            db.session.add(
                QlpReview(
                    service_id=first.service_id,
                    reviewer_id=first.reviewer_id,
                    period_start=first.period_start,
                    period_end=first.period_end,
                    signed_at=first.signed_at + timedelta(days=n),
                    signed_by_id=first.reviewer_id,
                    ratings=[
                        QlpRating(outcome_id=r.outcome_id, rating=r.rating, evidence="Seen.")
                        for r in first.ratings
                    ],
                )
            )
        staff = db.session.execute(
            select(User).where(User.username == "library_staff")
        ).scalar_one()
        idea = (
            db.session.execute(
                select(Idea).where(Idea.status == IdeaStatus.PUBLISHED).order_by(Idea.id)
            )
            .scalars()
            .first()
        )
        rationale = "Young people asked for this at the session in the library last week. " * 4
        link_outcome(idea, "qlp.aim.b", staff, rationale.strip())
        db.session.remove()
        db.engine.dispose()
    with serving(database, {}) as url:
        yield url


@pytest.mark.parametrize("account", STAFF_ACCOUNTS)
def test_staff_pages_split_no_word_and_scroll_nothing_sideways_on_a_phone(
    browser_page: Page, live_server: str, account
):
    """At 360px every staff page keeps each word whole and fits the screen."""
    page = browser_page
    sign_in(page, live_server, account)
    problems = {}
    for path in PAGES[account]:
        assert page.goto(live_server + path).status == 200, path
        found = page.evaluate(SPLIT_WORDS) + page.evaluate(SIDEWAYS)
        if found:
            problems[path] = found
    assert problems == {}


def test_the_ratings_table_stacks_each_row_as_a_card_with_each_cell_named(
    browser_page: Page, live_server: str
):
    """Below 40em each rating shows its review's date beside it; the table fits the phone."""
    page = browser_page
    sign_in(page, live_server, "qlp_reviewer")
    page.goto(live_server + RATINGS_PAGE)
    cells = page.evaluate(STACKED_CELLS)
    assert len(cells) == 60  # ten aims and outcomes, six signed reviews
    for cell in cells:
        assert cell["label"] and cell["shown"] == f'"{cell["label"]}"'
        assert cell["display"] == "flex"
    table = page.locator(".qlp-table").bounding_box()
    assert table["width"] <= 360
    assert page.evaluate(SIDEWAYS) == []
    assert page.get_by_role("rowheader").count() == 10

    page.set_viewport_size({"width": 1024, "height": 740})
    assert page.locator(".qlp-table thead").is_visible()
    assert page.evaluate(STACKED_CELLS)[0]["display"] == "table-cell"


def test_the_measure_finds_a_word_split_across_lines(browser_page: Page, live_server: str):
    """The check itself: a word squeezed into a narrow box is reported."""
    page = browser_page
    page.goto(live_server + "/outcomes")
    page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.className = "badge";
          p.textContent = "Published";
          document.querySelector("main").append(p);
          p.style.width = "3ch";
          p.style.overflowWrap = "anywhere";
        }"""
    )
    assert "Published in <p>" in page.evaluate(SPLIT_WORDS)

"""Staff approve an idea and link one outcome from the queue with the keyboard alone, in at most
15 key presses (57 Tab presses across three page loads before issue 19); and the same card,
without JavaScript, is a plain form that posts and comes back to the queue.

How keys are counted: every key press sent to the page counts as one, whatever it is (Tab,
Shift+Tab, Enter, Space, an arrow), and every character typed counts as one key press too (the
filter's "5.4" is three). Signing in is not counted: the count starts on the queue page, just
loaded, where the first Tab reaches the "Skip to content" link. The walk Tabs forward until the
control it wants has focus, counting each press, so a header with more or fewer links changes
nothing after the skip link.
"""

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

STAFF, PASSWORD = "library_staff", "demo-password"
IDEA = "Buddy reading with Year 6s"  # the first idea waiting in the demo
OUTCOME = "promise.journey.5.4"  # Transition to secondary school: Supporting transition
MOST_KEYS = 15
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


class Keyboard:
    """The keyboard, counting every key it presses and every character it types."""

    def __init__(self, page: Page):
        self.page = page
        self.count = 0
        self.log: list[str] = []

    def press(self, key: str) -> None:
        """Press one key (Tab, Enter, ...): one keystroke."""
        self.page.keyboard.press(key)
        self.count += 1
        self.log.append(key)

    def type(self, text: str) -> None:
        """Type text one character at a time: a keystroke each."""
        for character in text:
            self.page.keyboard.press(character)
            self.count += 1
        self.log.append(repr(text))

    def focused(self, script: str) -> bool:
        """Whether the focused element passes `script` (given it as `e`)."""
        return self.page.evaluate(f"(e => Boolean({script}))(document.activeElement)")

    def tab_to(self, script: str, limit: int = 12) -> None:
        """Press Tab until the focused element passes `script`, counting each press."""
        for _ in range(limit):
            self.press("Tab")
            if self.focused(script):
                return
        raise AssertionError(f"Tab did not reach {script} in {limit} presses: {self.log}")


def database_of(live_server_tmp: Path) -> sqlite3.Connection:
    """The live server's own database (the demo's copy), to read what was saved."""
    return sqlite3.connect(live_server_tmp / "browser.db")


def test_staff_approve_and_link_one_outcome_in_at_most_15_keys(
    chromium, live_server, tmp_path, page_log
):
    """From the queue: skip to the content, onto the first idea's card, filter the outcomes by
    "5.4", give "ok" as the reason and approve, all in one submit; focus then moves on."""
    context = chromium.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.goto(live_server)
    sign_in(page, STAFF, PASSWORD)
    page.goto(f"{live_server}/staff/")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=IDEA, exact=True))
    expect(card.get_by_role("button", name="Approve and publish")).to_be_visible()
    page.wait_for_function("document.querySelector('input[data-filters][data-ready]') !== null")

    keys = Keyboard(page)
    keys.press("Tab")
    assert keys.focused("e.matches('.skip-link')"), "the first Tab reaches the skip link"
    keys.press("Enter")
    assert keys.focused("e.id === 'main'")
    keys.tab_to(f"e.matches('h3 a') && e.textContent.trim() === {IDEA!r}")
    keys.tab_to("e.matches('input[data-filters]')")
    keys.type("5.4")
    outcome = card.get_by_role("combobox", name="Outcome it serves (optional)")
    expect(outcome).to_have_value(OUTCOME)
    keys.tab_to("e.matches('textarea[name$=\"-rationale\"]')")
    keys.type("ok")
    keys.tab_to("e.matches('button[value=\"published\"]')")
    keys.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(
        f"Decision saved: Approve and publish, “{IDEA}”. Linked to {OUTCOME}."
    )
    assert keys.count <= MOST_KEYS, f"{keys.count} key presses: {keys.log}"
    print(f"Approve and link one outcome from the queue: {keys.count} key presses: {keys.log}")
    # Focus moved on to the next idea waiting, without a page load.
    expect(page.locator(":focus")).to_have_text("Homework help on the phone")
    assert page.url.split("#")[0] == f"{live_server}/staff/"  # no page load

    with closing(database_of(tmp_path)) as database:
        saved = database.execute(
            "SELECT ideas.status, outcomes.code, outcome_links.rationale FROM ideas "
            "JOIN outcome_links ON outcome_links.idea_id = ideas.id "
            "JOIN outcomes ON outcomes.id = outcome_links.outcome_id WHERE ideas.title = ?",
            (IDEA,),
        ).fetchall()
    assert saved == [("published", OUTCOME, "ok")]
    page.goto(f"{live_server}/staff/")
    page.get_by_role("link", name=IDEA, exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text=OUTCOME)).to_contain_text("Why: ok")
    assert not page_log.page_errors
    context.close()


def test_without_javascript_the_card_is_a_form_that_comes_back_to_the_queue(chromium, live_server):
    """No script: the filter box is not shown, the outcomes are a grouped select, and the
    card's Approve posts and lands back on the queue, which says what was decided."""
    context = chromium.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server)
    sign_in(page, STAFF, PASSWORD)
    page.goto(f"{live_server}/staff/")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=IDEA, exact=True))
    expect(card.get_by_label("Find an outcome")).to_be_hidden()
    outcome = card.get_by_role("combobox", name="Outcome it serves (optional)")
    groups = outcome.locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups[0].endswith("Transition to secondary school")
    assert not any("Pre-natal" in group for group in groups)
    outcome.select_option(OUTCOME)
    card.get_by_label("Why it serves this outcome").fill("Older students help with the move.")
    card.get_by_role("button", name="Approve and publish").click()
    expect(page).to_have_url(f"{live_server}/staff/")
    expect(page.get_by_role("status")).to_contain_text(
        f"Decision saved: Approve and publish, “{IDEA}”. Linked to {OUTCOME}."
    )
    expect(page.get_by_role("link", name=IDEA, exact=True)).to_have_count(1)  # now published
    page.get_by_role("link", name=IDEA, exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text=OUTCOME)).to_contain_text(
        "Older students help with the move."
    )
    context.close()


def test_wide_screens_give_staff_pages_the_width_and_long_pages_a_contents_list(
    chromium, live_server
):
    """At 1280px the queue's cards sit side by side in a main wider than 768px, and the
    co-designed service page has its contents list beside its sections, each a link away.
    Screenshots of both pages at 360px and 1280px are kept in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    heights = {}
    for name, size in (("1280", DESKTOP), ("360", PHONE)):
        context = chromium.new_context(**size)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(live_server)
        sign_in(page, STAFF, PASSWORD)
        page.goto(f"{live_server}/staff/")
        page.screenshot(path=str(ARTIFACTS / f"staff-queue-{name}.png"), full_page=True)
        if name == "1280":
            assert page.locator("main").bounding_box()["width"] > 768
            tops = page.locator("#pending > li").evaluate_all(
                "cards => cards.map(c => c.getBoundingClientRect()).map(r => [r.top, r.left])"
            )
            assert len(tops) >= 2
            assert tops[0][0] == tops[1][0] and tops[0][1] < tops[1][1], "two cards side by side"
        page.goto(f"{live_server}/codesign/services/1")
        page.screenshot(path=str(ARTIFACTS / f"codesign-service-{name}.png"), full_page=True)
        heights[name] = page.evaluate("document.documentElement.scrollHeight")
        contents = page.get_by_role("navigation", name="On this page")
        expect(contents).to_be_visible()
        if name == "1280":
            nav = contents.bounding_box()
            sections = page.locator(".page-sections").bounding_box()
            assert nav["x"] + nav["width"] <= sections["x"], "the contents list is beside them"
        contents.get_by_role("link", name="Partner organisations").click()
        expect(page).to_have_url(re.compile(r"#partners-heading$"))
        expect(page.get_by_role("heading", name="Partner organisations")).to_be_in_viewport()
        context.close()
    print(f"Co-designed service page height: {heights}")


def test_a_refused_decision_keeps_the_card_and_says_why(chromium, live_server):
    """Reject with an outcome chosen: the card comes back in place with the reason, focused,
    what was chosen kept, and the idea still waits."""
    context = chromium.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server)
    sign_in(page, STAFF, PASSWORD)
    page.goto(f"{live_server}/staff/")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=IDEA, exact=True))
    card.get_by_label("Find an outcome").fill("vision 5")
    outcome = card.get_by_role("combobox", name="Outcome it serves (optional)")
    expect(outcome).to_have_value("promise.vision.5")
    card.get_by_role("button", name="Reject").click()
    summary = card.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("An outcome is linked only to an idea you approve.")
    expect(page).to_have_url(f"{live_server}/staff/")
    expect(outcome).to_have_value("promise.vision.5")
    expect(card.get_by_role("button", name="Approve and publish")).to_be_visible()
    context.close()

"""The look stays light and readable: a first visit weighs at most 40 KB with every asset, nothing
shifts as a page loads, every consultation colour passes axe's contrast check, and the
celebration moves only for those who have not asked for less motion."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Colour, Consultation
from tests.browser.conftest import PHONE
from tests.browser.test_layout import AXE, sign_in

pytestmark = pytest.mark.browser

BUDGET = 40 * 1024
# The pages of a first visit: the home page, the consultation open for votes, one of its ideas.
FIRST_VISIT = ["/", "/consultations/2", "/ideas/1"]
TEEN_SPACE = "What should we do with the teen space"
# Sums every layout shift from the moment the page starts, as Lighthouse's CLS does.
WATCH_LAYOUT_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""
AXE_RUN = """
axe.run({
  runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
}).then((result) => ({
  violations: result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
  ),
  contrastChecked: [...result.passes, ...result.violations]
    .filter((rule) => rule.id === "color-contrast")
    .reduce((sum, rule) => sum + rule.nodes.length, 0),
}))
"""


def set_colours(database: Path, colours: list[Colour]) -> None:
    """Give the demo's consultations these colours, one each, in the order of their ids."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "t", "TESTING": False}
    )
    with app.app_context():
        consultations = db.session.execute(select(Consultation).order_by(Consultation.id))
        for consultation, colour in zip(consultations.scalars(), colours, strict=False):
            consultation.colour = colour
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def first_visit_bytes(page: Page, url: str) -> tuple[int, list[str]]:
    """The bytes a visit with an empty cache transfers (bodies as sent, and headers), and what."""
    sizes: list[tuple[str, int]] = []

    def count(request):
        measured = request.sizes()
        sizes.append((request.url, measured["responseBodySize"] + measured["responseHeadersSize"]))

    page.on("requestfinished", count)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    page.remove_listener("requestfinished", count)
    return sum(size for _, size in sizes), [f"{u} {s}" for u, s in sizes]


@pytest.mark.parametrize("path", FIRST_VISIT)
def test_a_first_visit_weighs_at_most_40_kb_with_every_asset(browser_page, live_server, path):
    """Page, stylesheet, scripts and icon, compressed as sent, for someone who has never been."""
    total, what = first_visit_bytes(browser_page, live_server + path)
    assert any(".css" in line for line in what) and any(".js" in line for line in what)
    print(f"First visit to {path}: {total} bytes")
    assert total <= BUDGET, what


@pytest.mark.parametrize("path", FIRST_VISIT)
def test_a_first_visit_in_arabic_weighs_at_most_a_tenth_more_and_asks_for_nothing_more(
    chromium, live_server, path
):
    """The same page, first visited in English and in Arabic (as the browser asks): Arabic
    letters take two bytes each, yet the page and its assets grow by 10 % at most, and no
    request is added (no font: phones carry them)."""
    measured = {}
    for language in ("en", "ar"):
        context = chromium.new_context(extra_http_headers={"Accept-Language": language})
        measured[language] = first_visit_bytes(context.new_page(), live_server + path)
        context.close()
    (english, english_what), (arabic, arabic_what) = measured["en"], measured["ar"]
    print(f"First visit to {path}: {english} bytes in English, {arabic} in Arabic")
    assert len(arabic_what) == len(english_what), arabic_what
    assert arabic <= english * 1.10, (english, arabic)


def test_nothing_shifts_as_the_first_visit_pages_load(browser_page: Page, live_server):
    """Cumulative layout shift 0 on each page of a first visit, on a phone."""
    page = browser_page
    page.context.add_init_script(WATCH_LAYOUT_SHIFTS)
    shifts = {}
    for path in FIRST_VISIT:
        page.goto(live_server + path, wait_until="load")
        page.wait_for_timeout(500)  # flashed messages are put back after 250 ms (app.js)
        shifts[path] = page.evaluate("window.__layoutShift")
    assert shifts == dict.fromkeys(FIRST_VISIT, 0)


@pytest.mark.parametrize(
    "colours",
    [[Colour.SUN, Colour.SKY, Colour.LEAF], [Colour.BERRY, Colour.CORAL, Colour.GRAPE]],
    ids=lambda colours: "-".join(colour.value for colour in colours),
)
def test_every_consultation_colour_passes_axe_contrast(
    browser_page: Page, live_server, tmp_path, colours
):
    """The home page cards and each consultation's header, in each palette colour: axe checks
    the contrast of their words (and finds nothing else wrong)."""
    set_colours(tmp_path / "browser.db", colours)
    axe = AXE.read_text()
    page = browser_page
    found = {}
    for path in ["/", "/consultations/1", "/consultations/2", "/consultations/3"]:
        page.goto(live_server + path)
        result = page.evaluate(axe + AXE_RUN)
        assert result["contrastChecked"] > 0, path
        if result["violations"]:
            found[path] = result["violations"]
    themes = page.goto(live_server + "/") and page.locator(".consultation-card").evaluate_all(
        "cards => cards.map((card) => card.className)"
    )
    assert {f"theme-{colour.value}" for colour in colours} <= {
        name for classes in themes for name in classes.split()
    }
    assert found == {}


def vote_for_the_first_idea(page: Page, base_url: str) -> None:
    """Sign in as the demo young person and vote on the teen space's first idea, with htmx."""
    sign_in(page, base_url, "sam_reads")
    page.goto(base_url + "/consultations/2")
    vote = page.locator("li.card").get_by_role("button", name=re.compile("^Vote for this idea"))
    vote.first.click()
    expect(page.locator(".vote-cast .voted-note")).to_be_visible()


STAR = """(selector) => {
  const el = document.querySelector(selector);
  const star = getComputedStyle(el, "::before"), burst = getComputedStyle(el, "::after");
  return { star: star.animationName, burst: burst.animationName, shown: star.content !== "none" };
}"""


def test_a_vote_cast_bursts_into_a_star_when_motion_is_welcome(browser_page: Page, live_server):
    """Beside "You voted for this", a star pops and a ring of dots bursts (the status region's
    words get the same star: tests/test_look.py)."""
    context = browser_page.context.browser.new_context(reduced_motion="no-preference", **PHONE)
    page = context.new_page()
    vote_for_the_first_idea(page, live_server)
    assert page.evaluate(STAR, ".vote-cast .voted-note") == {
        "star": "star-pop",
        "burst": "star-burst",
        "shown": True,
    }


def test_with_less_motion_asked_for_the_star_sits_still(browser_page: Page, live_server):
    """prefers-reduced-motion: the star is there, nothing moves, and the words say it all."""
    context = browser_page.context.browser.new_context(reduced_motion="reduce", **PHONE)
    page = context.new_page()
    vote_for_the_first_idea(page, live_server)
    assert page.evaluate(STAR, ".vote-cast .voted-note") == {
        "star": "none",
        "burst": "none",
        "shown": True,
    }
    expect(page.locator(".vote-cast .voted-note")).to_have_text("You voted for this")


def test_the_journey_stepper_names_the_current_step_on_a_phone(browser_page: Page, live_server):
    """On the idea page and in My ideas: an ordered list, its current step marked as such."""
    page = browser_page
    sign_in(page, live_server, "sam_reads")
    page.goto(live_server + "/ideas/1")
    journey = page.get_by_role("list", name="Where this idea is on its journey")
    expect(journey.get_by_role("listitem")).to_have_count(6)
    expect(journey.locator('[aria-current="step"]')).to_have_text("Voting")
    page.goto(live_server + "/my-ideas")
    expect(page.get_by_role("list", name="Where this idea is on its journey").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

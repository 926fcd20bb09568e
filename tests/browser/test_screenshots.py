"""Screenshots of the main pages on a phone and a wide screen, and what their first screen holds.

Each test saves PNGs into test-artifacts/screens/ (kept by CI, ignored by git), named
`<page>-<width>.png`, with `-text200` for a phone at 200 % text. They show the layout as each
kind of person meets it. Beside them, the targets a person feels with their thumb: on the demo's
voting consultation the first idea and its Vote button fit the first screen, and at 200 % text
the closed header leaves at least two thirds of the screen to the page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
SCREENS = ARTIFACTS / "screens"
PHONE_HEIGHT = PHONE["viewport"]["height"]
WIDE = {"viewport": {"width": 1280, "height": 800}}
VOTING_CONSULTATION = "/consultations/2"
# The main pages, by name: (who looks, their address).
MAIN_PAGES = {
    "home": (None, "/"),
    "voting-consultation": ("sam_reads", VOTING_CONSULTATION),
    "idea": ("sam_reads", "/ideas/1"),
    "my-ideas": ("sam_reads", "/my-ideas"),
    "join": (None, "/join"),
    "sign-in": (None, "/sign-in"),
    "moderation-queue": ("library_staff", "/staff/"),
    "codesigned-service": ("library_staff", "/codesign/services/1"),
    "qlp-dashboard": ("qlp_reviewer", "/review/"),
}
# Text at twice its size, as a phone's large-text setting makes it: the stylesheet sizes
# everything in rem, from the root's 100 %.
DOUBLE_TEXT = "document.documentElement.style.fontSize = '200%'"


@pytest.fixture(scope="module")
def live_server(module_live_server):
    """One demo site for every screenshot: they only read (and sign in)."""
    return module_live_server


# Each demo account signs in once per test process; its later browsers start with that
# session's cookies.
SIGNED_IN: dict[tuple[str, str], dict] = {}


def open_page(chromium, live_server: str, account: str | None, size: dict) -> Page:
    """A new browser of this size, signed in as the demo account when one is given."""
    state = SIGNED_IN.get((live_server, account)) if account else None
    context = chromium.new_context(**size, storage_state=state)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if account and state is None:
        page.goto(f"{live_server}/sign-in")
        page.get_by_label("Your name on this site").fill(account)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("You are signed in.")
        SIGNED_IN[(live_server, account)] = context.storage_state()
    return page


def header_height(page: Page) -> float:
    """How tall the site's header is, closed, in CSS pixels."""
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_main_pages_are_kept_as_screenshots(chromium, live_server: str, name: str):
    """Each main page at 360×740, at 360×740 with 200 % text, and at 1280×800."""
    account, path = MAIN_PAGES[name]
    SCREENS.mkdir(parents=True, exist_ok=True)
    for size, suffix in ((PHONE, "360"), (PHONE, "360-text200"), (WIDE, "1280")):
        page = open_page(chromium, live_server, account, size)
        response = page.goto(live_server + path)
        assert response.status == 200, path
        if suffix.endswith("text200"):
            page.evaluate(DOUBLE_TEXT)
        page.screenshot(path=str(SCREENS / f"{name}-{suffix}.png"), full_page=True)
        page.context.close()


# The young people's main pages, kept in Arabic too: right to left, in Arabic script.
ARABIC_PAGES = ["home", "voting-consultation", "idea", "my-ideas", "join"]


@pytest.mark.parametrize("name", ARABIC_PAGES)
def test_young_peoples_main_pages_in_arabic_are_kept_as_screenshots(
    chromium, live_server: str, name: str
):
    """Each at 360×740 and at 200 % text, named `<page>-ar-360.png`; laid out right to left."""
    account, path = MAIN_PAGES[name]
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = open_page(chromium, live_server, account, PHONE)
    page.goto(f"{live_server}/outcomes?lang=ar")
    response = page.goto(live_server + path)
    assert response.status == 200, path
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    for suffix in ("ar-360", "ar-360-text200"):
        if suffix.endswith("text200"):
            page.evaluate(DOUBLE_TEXT)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        page.screenshot(path=str(SCREENS / f"{name}-{suffix}.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("account", ["sam_reads", None], ids=["young-person", "anonymous"])
def test_first_idea_and_its_vote_are_on_the_first_screen(chromium, live_server: str, account):
    """On the demo's voting consultation at 360×740, the first idea's title and its Vote button
    (for a visitor, its "Sign in to vote") are in view without scrolling."""
    page = open_page(chromium, live_server, account, PHONE)
    page.goto(live_server + VOTING_CONSULTATION)
    first_idea = page.locator("#ideas .card").first
    title = first_idea.get_by_role("heading")
    if account:
        vote = first_idea.get_by_role("button", name=re.compile(r"^(Vote for this idea|Take back)"))
    else:
        vote = first_idea.get_by_role("link", name="Sign in to vote")
    expect(vote).to_be_visible()
    assert title.bounding_box()["y"] >= 0
    bottom = vote.bounding_box()["y"] + vote.bounding_box()["height"]
    assert bottom <= PHONE_HEIGHT, f"the first vote ends at y={bottom}, below the first screen"
    page.context.close()


@pytest.mark.parametrize("account", ["sam_reads", "library_staff", "admin", None])
def test_closed_header_leaves_the_page_two_thirds_at_double_text(
    chromium, live_server: str, account
):
    """At 200 % text on a 360×740 phone, the header takes under a third of the screen, for
    every role; its menu still opens to every link."""
    page = open_page(chromium, live_server, account, PHONE)
    page.goto(live_server + "/")
    page.evaluate(DOUBLE_TEXT)
    height = header_height(page)
    assert height < PHONE_HEIGHT / 3, f"the header is {height}px tall on a {PHONE_HEIGHT}px screen"
    navigation = page.get_by_role("navigation", name="Main")
    page.locator(".site-menu > summary").click()
    expect(navigation.get_by_role("link").first).to_be_visible()
    page.context.close()

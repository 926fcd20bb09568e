"""At 200 % text on a 360 px phone, no page of any role scrolls sideways, in English (left to
right) here, and in Arabic (right to left) in test_layout.py's Arabic sweep, on the same load
as its axe check.

Text is made twice as large the way a person does in their browser's settings: Chromium's
default font size goes from 16 px to 32 px (DevTools `Page.setFontSizes`), so everything sized
in rem or em doubles.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import WIDEST, WIDTH, large_text
from tests.browser.test_layout import PAGES, sign_in

pytestmark = pytest.mark.browser

# Beyond the layout walk's pages: forms and pages a person meets on the way.
MORE_PAGES = {
    None: ["/join?code=READ2345", "/consultations/1/similar?title=club"],
    "sam_reads": ["/consultations/2/propose", "/ideas/3"],
    "library_staff": [
        "/staff/ideas/2",
        "/codesign/services",
        "/staff/reports/ideas/2",
    ],
    "admin": ["/staff/", "/codesign/services/1", "/review/"],
}


@pytest.fixture(scope="module")
def live_server(module_live_server):
    """One demo site for every account's pages: they are only read (and signed in to)."""
    return module_live_server


@pytest.mark.parametrize("account", list(PAGES), ids=lambda a: a or "anonymous")
def test_no_page_scrolls_sideways_at_200_percent_text(
    browser_page: Page, live_server: str, account
):
    """Every page of every role fits 360 px at 200 % text; the offenders are named with their
    width and the elements that stick out."""
    page = browser_page
    assert page.viewport_size["width"] == WIDTH
    if account:
        sign_in(page, live_server, account)
    large_text(page)
    too_wide = {}
    for path in PAGES[account] + MORE_PAGES.get(account, []):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = page.evaluate(WIDEST, WIDTH)
        assert found["fontSize"] == "32px", "the text is not at 200 %"
        if found["width"] > WIDTH:
            why = f"{found['width']}px: " + "; ".join(found["wide"][:6])
            too_wide[path] = why
    assert too_wide == {}, "\n".join(f"{path} {why}" for path, why in too_wide.items())


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_the_skip_link_shows_on_screen_when_tabbed_to(browser_page: Page, live_server, direction):
    """Hidden above the page until the first Tab, then wholly on screen, at its start."""
    page = browser_page
    large_text(page)
    page.goto(live_server + "/")
    page.evaluate("(dir) => document.documentElement.setAttribute('dir', dir)", direction)
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

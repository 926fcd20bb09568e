"""A Quality Leader's evidence, on a phone and a desktop: from a coverage gap to a published pack.

The Quality Leader opens the coverage matrix from the QLP dashboard, follows a gap to the ideas
behind it, prepares the Best Value pack, publishes it, and opens its link as a councillor would,
signed out. axe finds nothing on any page on the way.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.steps import sign_in
from tests.browser.test_layout import AXE, AXE_RUN, LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
SIZES = {"phone": (360, 740), "desktop": (1280, 900)}


def problems(page: Page) -> list[str]:
    """What axe and the layout checks find on the page as it is."""
    return page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(AXE.read_text() + AXE_RUN)


@pytest.mark.parametrize("size", list(SIZES))
def test_quality_leader_goes_from_a_gap_to_a_published_pack(
    browser_page: Page, chromium: Browser, live_server: str, page_log, size
):
    """Coverage, a gap's ideas, the pack, publishing, and the public link: no problem anywhere."""
    page = browser_page
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    found = {}
    page.goto(live_server + "/")
    sign_in(page, "library_staff", PASSWORD)
    page.goto(live_server + "/review/")
    page.get_by_role("link", name="Coverage of outcomes").click()
    expect(page.get_by_role("heading", level=1, name="Coverage of outcomes")).to_be_visible()
    found["coverage"] = problems(page)

    gap = page.locator("tr.coverage-gap").filter(has_text="Ideas, no service yet").first
    code = gap.locator(".code").inner_text()
    gap.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1, name=f"Ideas for {code}")).to_be_visible()
    expect(page.locator("#coverage-ideas li").first).to_be_visible()
    found["gap's ideas"] = problems(page)

    page.goto(live_server + "/review/")
    page.get_by_role("link", name="Best Value packs").click()
    page.get_by_role("button", name="See the pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Best Value pack for")
    found["pack before publishing"] = problems(page)
    page.get_by_role("button", name="Publish this pack").click()
    expect(page.get_by_role("status")).to_contain_text("Pack published")
    found["published pack"] = problems(page)
    link = page.locator("a.pack-link").get_attribute("href")

    councillor = chromium.new_context(viewport={"width": width, "height": height})
    public = councillor.new_page()
    public.goto(link)
    expect(public.get_by_role("heading", level=1)).to_contain_text("Best Value pack for")
    expect(public.get_by_role("heading", name="Gaps in coverage")).to_be_visible()
    found["public link"] = problems(public)

    assert {where: p for where, p in found.items() if p} == {}
    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == [] and page_log.csp_violations == []

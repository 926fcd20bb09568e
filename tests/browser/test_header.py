"""The site's header without JavaScript: a Menu that opens on a phone, and on a wide screen one
row of links, the most used first, that no closed <details> hides."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
WIDE = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def live_server(module_live_server):
    """One demo site for every header: they only read (and sign in)."""
    return module_live_server


def without_javascript(chromium, live_server: str, account: str | None, size: dict) -> Page:
    """A browser of this size with JavaScript off, signed in as the demo account if given."""
    context = chromium.new_context(java_script_enabled=False, **size)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if account:
        page.goto(f"{live_server}/sign-in")
        page.get_by_label("Your name on this site").fill(account)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("You are signed in.")
    return page


@pytest.mark.parametrize("account", ["library_staff", "admin", "sam_reads", None])
def test_on_a_wide_screen_every_link_shows_on_one_row(chromium, live_server: str, account):
    """At 1280 px, JavaScript off: no "Menu" to open, every link and the sign-out button
    visible, all on the row of the site's name; staff start with Moderation."""
    page = without_javascript(chromium, live_server, account, WIDE)
    page.goto(live_server + "/")
    expect(page.locator(".site-menu > summary")).to_be_hidden()
    navigation = page.get_by_role("navigation", name="Main")
    items = navigation.get_by_role("listitem")
    expect(items.first).to_be_visible()
    tops = set()
    for item in items.all():
        expect(item).to_be_visible()
        box = item.bounding_box()
        tops.add(round(box["y"] + box["height"] / 2))
    assert len(tops) == 1, f"the links are on {len(tops)} rows"
    name = page.get_by_role("link", name="Your library, your ideas").bounding_box()
    row = tops.pop()
    assert name["y"] <= row <= name["y"] + name["height"], "the links are not beside the name"
    if account in ("library_staff", "admin"):
        expect(navigation.get_by_role("link").first).to_have_text("Moderation")
    page.context.close()


def test_on_a_phone_the_menu_opens_without_javascript(chromium, live_server: str):
    """At 360 px, JavaScript off: the links wait behind "Menu"; a tap shows them, the current
    page marked."""
    page = without_javascript(chromium, live_server, "sam_reads", PHONE)
    page.goto(live_server + "/my-ideas")
    navigation = page.get_by_role("navigation", name="Main")
    my_ideas = page.get_by_role("link", name="My ideas", exact=True)
    expect(my_ideas).to_be_hidden()
    page.locator(".site-menu > summary").click()
    expect(navigation).to_be_visible()
    expect(my_ideas).to_be_visible()
    expect(my_ideas).to_have_attribute("aria-current", "page")
    expect(navigation.get_by_role("button", name="Sign out (sam_reads)")).to_be_visible()
    page.context.close()

"""Joining that forgives, "Show password" with and without JavaScript, and a forgotten password
reset with a code from library staff, in a real browser on a phone-sized page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import menu, sign_in

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "demo-password"
NEW_PASSWORD = "otter rocket plum daisy"


@pytest.fixture
def no_js_page(browser_page: Page):
    """A phone-sized page in a browser context that runs no JavaScript at all."""
    context = browser_page.context.browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_join_error_keeps_the_suggestion_and_show_password_shows_both_boxes(
    browser_page: Page, live_server, page_log
):
    """Forgetting the age group keeps the same four words and both boxes; "Show password"
    turns both into text and back; then joining works."""
    page = browser_page
    page.goto(f"{live_server}/join/READ-2345")
    suggestion = page.locator(".passphrase").inner_text()
    page.get_by_label("Choose a name to use here").fill("forgetful_finch")
    page.get_by_label("Choose a password").fill(suggestion)
    page.get_by_label("Type the password again").fill(suggestion)
    page.get_by_role("button", name="Join", exact=True).click()

    expect(page.locator(".error-summary")).to_contain_text("Choose your age group.")
    expect(page.locator(".passphrase")).to_have_text(suggestion)
    password = page.get_by_label("Choose a password")
    confirm = page.get_by_label("Type the password again")
    expect(password).to_have_value(suggestion)
    expect(confirm).to_have_value(suggestion)
    expect(page.get_by_label("Choose a name to use here")).to_have_value("forgetful_finch")

    show = page.get_by_label("Show password")
    expect(show).to_be_visible()
    show.check()
    expect(password).to_have_attribute("type", "text")
    expect(confirm).to_have_attribute("type", "text")
    show.uncheck()
    expect(password).to_have_attribute("type", "password")
    page.get_by_role("radio", name="11 to 13").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, forgetful_finch!")
    assert page_log.csp_violations == [] and page_log.page_errors == []


def test_without_javascript_there_is_no_show_password_and_joining_works(
    no_js_page: Page, live_server
):
    """The box is hidden rather than there and doing nothing; the code box comes first."""
    page = no_js_page
    page.goto(f"{live_server}/join")
    code_box = page.get_by_label("Your code").bounding_box()
    name_box = page.get_by_label("Choose a name to use here").bounding_box()
    assert code_box["y"] < name_box["y"]
    expect(page.get_by_label("Show password")).to_be_hidden()
    page.get_by_label("Choose a name to use here").fill("plain_html_reader")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_label("Choose a password")).to_have_value(NEW_PASSWORD)
    page.get_by_role("radio", name="11 to 13").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, plain_html_reader!")


def test_staff_make_a_reset_code_and_the_young_person_resets_and_is_signed_out_elsewhere(
    browser_page: Page, live_server, page_log
):
    """Robin is signed in on a library PC and forgets the password on a phone: staff make a
    code; Robin chooses a new password on the phone; the library PC is signed out."""
    library_pc = browser_page.context.browser.new_context(**PHONE).new_page()
    library_pc.goto(live_server)
    sign_in(library_pc, "robin_writes", DEMO_PASSWORD)

    staff = browser_page
    staff.goto(live_server)
    sign_in(staff, "library_staff", DEMO_PASSWORD)
    staff.goto(f"{live_server}/staff/join-codes")
    staff.get_by_role("link", name="Reset a password").click()
    staff.get_by_label("The young person's name on this site").fill("Robin_Writes")
    staff.get_by_role("button", name="Make a reset code").click()
    code = staff.locator(".reset-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    phone = browser_page.context.browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server}/sign-in")
    expect(phone.get_by_text("Forgotten your password? Ask library staff")).to_be_visible()
    phone.get_by_role("link", name="Reset my password with a code").click()
    phone.get_by_label("Your name on this site").fill("robin_writes")
    phone.get_by_label("Your reset code").fill(code.lower())
    phone.get_by_label("Choose a new password").fill(NEW_PASSWORD)
    phone.get_by_label("Type the password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Reset my password").click()
    expect(phone.get_by_role("status")).to_contain_text("Your password is changed.")
    expect(menu(phone).get_by_role("button", name="Sign out (robin_writes)")).to_be_visible()

    library_pc.reload()
    expect(library_pc.get_by_role("button", name="Sign out (robin_writes)")).to_have_count(0)
    assert page_log.csp_violations == [] and page_log.page_errors == []

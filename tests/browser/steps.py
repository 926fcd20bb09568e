"""Steps any browser test takes, found the way a person finds them: by label or role."""

from playwright.sync_api import Locator, Page, expect


def menu(page: Page) -> Locator:
    """The site's main navigation, opened first when it is folded into "Menu" (on a phone)."""
    summary = page.locator(".site-menu > summary")
    if summary.is_visible() and page.locator(".site-menu[open]").count() == 0:
        summary.click()
    return page.get_by_role("navigation", name="Main")


def go_to(page: Page, name: str) -> None:
    """Follow a link of the site's navigation, opening the menu as a person on a phone would."""
    menu(page).get_by_role("link", name=name, exact=True).click()


def sign_in(page: Page, name: str, password: str) -> None:
    """Sign in from the header link, as a returning person would."""
    go_to(page, "Sign in")
    page.get_by_label("Your name on this site").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")
    expect(menu(page).get_by_role("button", name=f"Sign out ({name})")).to_be_visible()


def sign_out(page: Page, name: str) -> None:
    """Sign out with the header button that names who is signed in."""
    menu(page).get_by_role("button", name=f"Sign out ({name})").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(menu(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def card_with_link(page: Page, name: str) -> Locator:
    """The list item (card or row) that holds a link with this name."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=name, exact=True))


def send_idea(page: Page) -> None:
    """Send the idea being proposed: one button, whether or not similar ideas are shown."""
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")

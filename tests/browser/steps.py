"""Steps any browser test takes, found the way a person finds them: by label or role."""

from playwright.sync_api import Locator, Page, expect


def sign_in(page: Page, name: str, password: str) -> None:
    """Sign in from the header link, as a returning person would."""
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Your name on this site").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")
    expect(page.get_by_role("button", name=f"Sign out ({name})")).to_be_visible()


def sign_out(page: Page, name: str) -> None:
    """Sign out with the header button that names who is signed in."""
    page.get_by_role("button", name=f"Sign out ({name})").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def card_with_link(page: Page, name: str) -> Locator:
    """The list item (card or row) that holds a link with this name."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=name, exact=True))


def send_idea(page: Page) -> None:
    """Send the idea being proposed: one button, whether or not similar ideas are shown."""
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")

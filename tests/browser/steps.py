"""Steps any browser test takes, found the way a person finds them: by label or role."""

from playwright.sync_api import CDPSession, Locator, Page, expect


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


# A phone's width, in CSS pixels.
WIDTH = 360
# What sticks out of a page `width` wide: its full width, the root's font size, the offenders.
WIDEST = """
(width) => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width && (box.left < -1 || box.right > width + 1)) {
        const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
        wide.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
      }
    }
  }
  const fontSize = getComputedStyle(root).fontSize;
  return { width: root.scrollWidth, fontSize, wide, dir: root.dir };
}
"""


def large_text(page: Page) -> CDPSession:
    """Text at 200 %, as set in the browser: a default font size of 32 px instead of 16 px,
    for as long as the DevTools session that set it is open (it is returned)."""
    cdp = page.context.new_cdp_session(page)
    font_size(cdp, 32)
    return cdp


def font_size(cdp: CDPSession, size: int) -> None:
    """The browser's default font size (16 px as it comes; 32 px is 200 % text)."""
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": size, "fixed": size * 13 // 16}})

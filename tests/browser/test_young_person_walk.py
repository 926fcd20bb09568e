"""A young person's whole journey on a phone (360×740), from the code on a poster to a report.

Join by opening the poster's QR code, propose an idea and be shown a similar one, vote until the
budget is used, try once more and see the refusal beside the button, hear back when staff
answer, and report an idea. axe checks each new state on the way.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.joincodes.services import display_code, qr_code_svg
from app.seed import DEMO_JOIN_CODE, DEMO_PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.steps import menu, send_idea, sign_in

pytestmark = pytest.mark.browser

SECONDARY = "How could your library help you get ready for secondary school?"
TEEN_SPACE = "What should we do with the teen space at Central Library?"
TEEN_IDEAS = (
    "Gaming club on Friday evenings",
    "Quiet study booths",
    "Manga and comics corner",
)
FOURTH = "Longer opening hours at weekends"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
axe.run({runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]})
  .then((result) => result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`
  ))
"""


def axe_violations(page: Page) -> list[str]:
    """What axe finds on the page as it is now (WCAG 2.2 A and AA, and best practice)."""
    return page.evaluate(AXE.read_text() + AXE_RUN)


def qr_path(svg: str) -> str:
    """The drawing of a QR code's modules: its SVG path data."""
    return re.search(r' d="([^"]+)"', svg).group(1)


def poster_join_address(staff: Page, base_url: str) -> str:
    """The address the demo code's poster prints, checked against the QR code drawn beside it."""
    staff.goto(f"{base_url}/staff/join-codes")
    staff.get_by_role("listitem").filter(has_text="Year 8 class visit").get_by_role(
        "link", name=re.compile("poster", re.I)
    ).first.click()
    expect(staff.locator(".poster-code")).to_have_text(display_code(DEMO_JOIN_CODE))
    address = staff.locator(".poster-url").inner_text().strip()
    drawn = staff.locator("svg.qr-code").first.evaluate("(svg) => svg.outerHTML")
    # The QR code on the poster encodes exactly the address printed under it.
    assert qr_path(drawn) == qr_path(str(qr_code_svg(address, "QR")))
    return address


def test_a_young_person_joins_by_qr_proposes_votes_hears_back_and_reports(
    browser_page: Page, live_server: str, page_log
):
    """The whole journey on a phone, with nothing confusing and no dead end."""
    phone = browser_page
    found = {}

    staff = phone.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(live_server)
    sign_in(staff, "library_staff", DEMO_PASSWORD)
    address = poster_join_address(staff, live_server)

    # Scanning the code opens its address: the join form, with an easy passphrase suggested.
    phone.goto(address)
    expect(phone.get_by_role("heading", level=1, name="Join with a code")).to_be_visible()
    found["join"] = axe_violations(phone)
    passphrase = phone.locator(".passphrase").inner_text().strip()
    phone.get_by_label("Choose a name to use here").fill("river_fox")
    phone.get_by_label("Choose a password").fill(passphrase)
    phone.get_by_label("Type the password again").fill(passphrase)
    phone.get_by_label("11 to 13").check()
    phone.get_by_role("button", name=re.compile("^Join")).click()
    # The code leads straight to the question it was made for.
    expect(phone.get_by_role("heading", level=1, name=SECONDARY)).to_be_visible()

    # Proposing: as the title is typed, a published idea like it shows beside the field.
    phone.get_by_role("link", name="Share an idea").first.click()
    phone.get_by_label("Your idea in a few words").fill("Homework club")
    similar = phone.locator("#similar-ideas")
    expect(similar.get_by_role("link", name="Homework club after school")).to_be_visible()
    found["similar ideas"] = axe_violations(phone)
    phone.get_by_label(re.compile("^Tell us more")).fill(
        "A homework club on Saturday mornings, for people who work after school."
    )
    send_idea(phone)
    expect(phone.get_by_role("status")).to_contain_text("Library staff will check your idea")

    # Voting: three votes in the teen space; a fourth idea is open in another tab.
    phone.goto(f"{live_server}/")
    phone.get_by_role("link", name=TEEN_SPACE).click()
    later = phone.context.new_page()
    later.goto(phone.url)
    later.get_by_role("link", name=FOURTH).click()
    expect(later.get_by_role("heading", level=1, name=FOURTH)).to_be_visible()
    for title in TEEN_IDEAS:
        phone.get_by_role("button", name=f"Vote for this idea: {title}").click()
        expect(
            phone.get_by_role("button", name=f"Take back my vote: {title}").first
        ).to_be_visible()
    # Every vote spent: the other idea says so beside where its button was.
    fourth_block = phone.locator(".vote").filter(has_text="You have used your 3 votes")
    expect(fourth_block).to_have_count(1)
    found["budget used"] = axe_violations(phone)

    # Trying once more, from the tab opened earlier: the refusal shows beside that button.
    later.get_by_role("button", name=f"Vote for this idea: {FOURTH}").click()
    expect(later.locator(".vote-refusal, .vote-used-up").first).to_contain_text("3 votes")
    later_box = later.locator(".vote").first.bounding_box()
    assert 0 <= later_box["y"] <= PHONE["viewport"]["height"]
    found["refused"] = axe_violations(later)
    later.close()

    # Staff answer one of the ideas voted for; the phone hears back.
    gaming = phone.get_by_role("link", name=TEEN_IDEAS[0]).first
    idea_path = gaming.get_attribute("href")
    staff_page = f"{live_server}/staff{idea_path}"
    for decision, message in (
        ("Consider it", "We are looking at this now."),
        ("Accept", "Yes! Help us plan it."),
    ):
        staff.goto(staff_page)
        staff.get_by_label("Decision").select_option(label=decision)
        staff.get_by_label("Message to the young person").fill(message)
        staff.get_by_role("button", name="Save decision").click()
        expect(staff.get_by_role("status")).not_to_be_empty()
    phone.reload()
    notices = menu(phone).get_by_role("link", name=re.compile(r"^Notices.*unread"))
    expect(notices).to_be_visible()
    notices.click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("main")).to_contain_text(TEEN_IDEAS[0])
    found["notices"] = axe_violations(phone)

    # Reporting an idea: a reason, sent, and thanked.
    phone.goto(f"{live_server}{idea_path}")
    phone.get_by_role("link", name="Report this idea").click()
    found["report"] = axe_violations(phone)
    phone.get_by_label("It is unkind or hurtful").check()
    phone.get_by_role("button", name="Send my report").click()
    expect(phone.get_by_role("status")).to_contain_text(re.compile("Thank", re.I))

    assert {state: v for state, v in found.items() if v} == {}
    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == []
    assert page_log.csp_violations == []
    staff.context.close()

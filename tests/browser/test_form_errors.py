"""On a phone, a form sent back with mistakes takes you to its summary, each link takes you to
a field, every invalid field is visibly marked, and axe finds nothing wrong with it."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import sign_in
from tests.browser.test_layout import AXE, LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
RED = "rgb(176, 0, 32)"  # --error in static/css/app.css
AXE_RUN = """
axe.run({runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]})
  .then((result) => result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`))
"""
FOCUSED_SUMMARY = "document.activeElement.classList.contains('error-summary')"
# How an element's edge is drawn: its border, and its outline (what a radio button shows).
EDGES = """
(el) => {
  const style = getComputedStyle(el);
  return {
    border: style.borderTopColor, borderWidth: parseFloat(style.borderTopWidth),
    outline: style.outlineColor, outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}
"""


def console_errors(page_log) -> list[str]:
    """Console errors beyond Chromium's note of the 400 or 422 a form sent back is answered with."""
    sent_back = ("status of 400", "status of 422")
    return [e for e in page_log.console_errors if not any(s in e for s in sent_back)]


def problems(page: Page) -> list[str]:
    """What axe and the phone layout check find on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` to install the npm packages.")
    return page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(AXE.read_text() + AXE_RUN)


def test_empty_join_form_takes_you_to_a_summary_that_takes_you_to_each_field(
    browser_page: Page, live_server: str, page_log
):
    """Sent empty at 360px: focus on the summary, "Error:" in the title, red edges on every
    invalid field and each age radio, links that focus their field, and nothing axe finds."""
    page = browser_page
    page.goto(f"{live_server}/join")
    page.get_by_role("button", name="Join", exact=True).click()
    summary = page.get_by_role("group", name="There is a problem")
    expect(summary).to_be_visible()
    assert page.evaluate(FOCUSED_SUMMARY)
    assert page.title().startswith("Error: Join")

    radios = page.locator("input[name=age_band]")
    assert radios.count() == 5
    for index in range(radios.count()):
        radio = radios.nth(index)
        assert radio.get_attribute("aria-invalid") == "true"
        edges = radio.evaluate(EDGES)
        assert (edges["outline"], edges["outlineStyle"]) == (RED, "solid"), edges
        assert edges["outlineWidth"] >= 2
        choice = radio.locator("xpath=ancestor::label[1]").evaluate(EDGES)
        assert choice["border"] == RED and choice["borderWidth"] >= 2, choice
    name = page.get_by_label("Choose a name to use here").evaluate(EDGES)
    assert name["border"] == RED and name["borderWidth"] >= 3, name

    assert problems(page) == []

    summary.get_by_role("link", name="Choose your age group.").click()
    assert page.evaluate("document.activeElement.id") == "age_band-0"
    legend_top = page.locator("legend", has_text="How old are you?").bounding_box()["y"]
    assert 0 <= legend_top < 740
    summary.get_by_role("link", name="Type the password again.").click()
    expect(page.get_by_label("Type the password again")).to_be_focused()

    assert console_errors(page_log) == [] and page_log.csp_violations == []
    assert page_log.requests_elsewhere(live_server) == []


def test_a_form_htmx_sends_back_puts_focus_on_its_summary(
    browser_page: Page, live_server: str, page_log
):
    """Staff add a partner with no name: htmx swaps the form back (a 422) and focus moves to
    its summary, whose link focuses the field."""
    page = browser_page
    page.goto(live_server)
    sign_in(page, "library_staff", PASSWORD)
    page.goto(f"{live_server}/codesign/partners")
    page.get_by_text("Add a partner").click()
    with page.expect_response(lambda r: r.url.endswith("/codesign/partners")) as answer:
        page.get_by_role("button", name="Add new partner").click()
    assert answer.value.status == 422
    summary = page.get_by_role("group", name="There is a problem")
    expect(summary).to_be_focused()
    assert page.url.endswith("/codesign/partners")  # swapped in place, not a new page
    summary.get_by_role("link", name="Please give the partner a name.").click()
    expect(page.get_by_label("Name of the organisation")).to_be_focused()
    assert problems(page) == []
    assert console_errors(page_log) == [] and page_log.csp_violations == []

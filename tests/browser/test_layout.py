"""Every page, as each kind of person sees it, fits a phone, names every field and passes axe:
in Arabic (right to left) and in Tigrinya (Ge'ez script, left to right).

The markup is the same in every language, and these two hold both directions and the scripts
whose words run longest. Each Arabic page is also measured at 200 % text, on the same load;
English pages are read at 200 % text by test_large_text.py.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import WIDEST, WIDTH, font_size

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
# The demo data's pages as each demo account (None: not signed in) sees them.
PAGES = {
    None: [
        "/",
        "/consultations/1",
        "/consultations/2",
        "/ideas/1",
        "/outcomes",
        "/join",
        "/sign-in",
        "/reset-password",
        "/you-said-we-did",
        "/services/1",
        "/join/READ2345",
        "/consultations/2?q=club&sort=newest",
        "/consultations/3",
        "/numbers",
        "/numbers/1",
    ],
    "sam_reads": [
        "/",
        "/consultations/1/propose",
        "/consultations/2",
        "/ideas/1",
        "/my-ideas",
        "/ideas/5",
        "/you-said-we-did",
        "/ideas/7",
        "/account",
        "/account/data",
        "/account/name",
        "/account/password",
        "/account/delete",
        "/account/devices",
        "/notices",
        "/notices/settings",
        "/ideas/2/report",
        "/consultations/2?status=open&sort=votes",
    ],
    "robin_writes": ["/my-ideas", "/ideas/5"],
    "library_staff": [
        "/staff/",
        "/staff/ideas/1",
        "/staff/consultations",
        "/staff/consultations/new",
        "/staff/consultations/1/edit",
        "/staff/pending",
        "/staff/published",
        "/ideas/1",
        "/staff/ideas/5",
        "/codesign/",
        "/codesign/services/1",
        "/codesign/services/1/edit",
        "/codesign/services/1/sessions",
        "/codesign/services/1/codesigners",
        "/codesign/services/1/skills",
        "/codesign/sessions/1/edit",
        "/codesign/partners",
        "/codesign/waiting",
        "/review/",
        "/review/services/1",
        "/review/reviews/1",
        "/staff/ideas/7",
        "/staff/ideas/7/revisions",
        "/safeguarding/",
        "/safeguarding/closed",
        "/safeguarding/concerns/new",
        "/safeguarding/ideas/7/concern",
        "/account",
        "/staff/join-codes",
        "/staff/join-codes/new",
        "/staff/reset-codes/new",
        "/staff/join-codes/1/poster",
        "/staff/join-codes/1/end",
        "/staff/reports",
        "/staff/ideas/1/merge",
        "/evidence/coverage",
        "/evidence/coverage/qlp.aim.c/ideas",
        "/evidence/participation",
        "/evidence/packs",
        "/evidence/packs/1",
        "/evidence/guide",
        "/evidence/exports",
        "/codesign/services/2",
    ],
    "qlp_reviewer": [
        "/review/",
        "/review/?status=codesigning",
        "/review/ideas",
        "/review/outcomes/qlp.aim.c",
        "/review/unlinked",
        "/review/services/1",
        "/review/reviews/1",
        "/codesign/",
        "/codesign/services/1",
        "/codesign/services/1/codesigners",
        "/evidence/coverage",
        "/evidence/coverage/qlp.aim.c/services",
        "/evidence/packs/preview?library_service=1&start=2026-01-01&end=2026-12-31",
    ],
    "admin": [
        "/admin/",
        "/admin/accounts",
        "/admin/accounts?q=sam",
        "/admin/library-services",
        "/admin/users/4/memberships",
        "/admin/audit",
        "/admin/audit?action=idea.status",
    ],
}
# axe-core (from npm, a development dependency) checks each page against WCAG 2.2 A and AA and
# its own best practices.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
axe.run({
  runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
}).then((result) =>
  result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)
)
"""
# Reports what a person on a small phone would trip over, as a list of sentences.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`scrolls sideways: ${root.scrollWidth}px on ${window.innerWidth}px`);
  }
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset"].includes(el.type)) continue;
    if (!el.labels.length && !el.getAttribute("aria-label")) {
      problems.push(`field without a label: ${el.outerHTML.slice(0, 80)}`);
    }
  }
  const targets = "button, .button, select, textarea, "
    + "input:not([type=hidden]):not([type=checkbox]):not([type=radio])";
  for (const el of document.querySelectorAll(targets)) {
    if (!el.checkVisibility()) continue;  // not on screen (say, in a closed menu): nothing to tap
    const height = el.getBoundingClientRect().height;
    if (height < 44) problems.push(`small tap target (${height}px): ${el.outerHTML.slice(0, 80)}`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def live_server(module_live_server):
    """One demo site for every account's walk: the walks only read (and sign in)."""
    return module_live_server


def sign_in(page: Page, base_url: str, name: str) -> None:
    """Sign in with the demo account."""
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Your name on this site").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")


def too_wide_at_200_percent(page: Page, cdp) -> list[str]:
    """The page at 200 % text, as a person's browser setting makes it: what sticks out."""
    font_size(cdp, 32)
    found = page.evaluate(WIDEST, WIDTH)
    font_size(cdp, 16)
    assert found["fontSize"] == "32px", "the text is not at 200 %"
    if found["width"] <= WIDTH:
        return []
    return [f"at 200 % text {found['width']}px: " + "; ".join(found["wide"][:6])]


@pytest.mark.parametrize("language", ["ar", "ti"])
@pytest.mark.parametrize("account", list(PAGES), ids=lambda a: a or "anonymous")
def test_every_page_fits_a_phone_and_labels_every_field(
    browser_page: Page, live_server: str, page_log, account, language
):
    """At 360px: no sideways scrolling, a label on every field, tap targets of 44px or more,
    and nothing axe finds against WCAG 2.1 AA; each page in the language and its direction."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` to install the npm packages.")
    axe = AXE.read_text()
    page = browser_page
    if account:
        sign_in(page, live_server, account)
    # The switcher's choice, kept in this browser's cookie for every page after it.
    page.goto(f"{live_server}/outcomes?lang={language}")
    cdp = page.context.new_cdp_session(page)
    problems = {}
    for path in PAGES[account]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == language.replace("_", "-")
        # Evaluated scripts run outside the page's Content Security Policy.
        found = page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(axe + AXE_RUN)
        if language == "ar":
            found += too_wide_at_200_percent(page, cdp)
        if found:
            problems[path] = found
    assert problems == {}
    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == []
    assert page_log.csp_violations == []

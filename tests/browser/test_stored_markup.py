"""Markup in what people wrote never acts in a real browser, whoever reads it.

The reported exploit, in Chromium: a young person's idea title holding an htmx POST that fires
on load, aimed at the admin role page or at staff's decision page, opened by an admin and by
staff where it was once printed raw. Nothing is sent, nothing changes, and the audit log names
nobody. Then the defence in depth on its own: markup put straight into each container of
people's words on a page stays inert, while the same markup outside one sends its request.
"""

import json
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import AuditEntry, Idea, IdeaStatus, Role, User
from tests.browser.steps import send_idea, sign_in, sign_out

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
QUESTION = "How could your library help you get ready for secondary school?"


@pytest.fixture
def database(live_server, tmp_path):
    """Run a query against the live server's database, for what the browser cannot see."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/browser.db", "SECRET_KEY": "x"}
    )

    def query(statement):
        with app.app_context():
            value = db.session.execute(statement).scalar()
            db.session.remove()
            return value

    yield query
    with app.app_context():
        db.engine.dispose()


def posts_from(page: Page) -> list[str]:
    """Every POST the page sends from now on (the list fills as they go)."""
    sent = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method == "POST" else None
    )
    return sent


def propose(page: Page, base_url: str, title: str) -> None:
    """Sam, a demo young person, proposes an idea with this title and sends it past the similar
    ideas; it waits for staff."""
    page.goto(base_url)
    sign_in(page, "sam_reads", PASSWORD)
    page.get_by_role("link", name=QUESTION).click()
    page.get_by_role("link", name="Share an idea").click()
    page.get_by_label("Your idea in a few words").fill(title)
    page.get_by_label("Tell us more").fill("Markup that tries to act as whoever reads it.")
    send_idea(page)
    expect(page.get_by_role("status")).to_contain_text("Library staff will check your idea")
    sign_out(page, "sam_reads")


def open_as(page: Page, name: str, *paths: str, base_url: str) -> list[str]:
    """Sign in as `name` and open each page, waiting until it has done all it would do; the
    POSTs sent meanwhile (signing in and out aside)."""
    sign_in(page, name, PASSWORD)
    sent = posts_from(page)
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    return sent


def test_an_idea_title_aimed_at_the_admin_role_page_changes_nothing(
    browser_page: Page, live_server, database
):
    """The issue's exploit: the admin who opens /codesign/new for the idea sends nothing."""
    page = browser_page
    sam = database(select(User.id).where(User.username == "sam_reads"))
    values = json.dumps({f"u{sam}-role": "admin", f"u{sam}-active": "y"})
    title = f"""<i hx-post="/admin/users/{sam}/role" hx-vals='{values}' hx-trigger="load"></i>"""
    propose(page, live_server, title)
    idea = database(select(Idea.id).where(Idea.title == title))
    entries = database(select(func.count(AuditEntry.id)))

    sent = open_as(
        page, "admin", f"/codesign/new?idea={idea}", f"/staff/ideas/{idea}", base_url=live_server
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    assert sent == []
    assert database(select(User.role).where(User.id == sam)) == Role.YOUNG_PERSON
    assert database(select(Idea.status).where(Idea.id == idea)) == IdeaStatus.PENDING
    assert database(select(func.count(AuditEntry.id))) == entries


def test_an_idea_title_aimed_at_staffs_decision_page_changes_nothing(
    browser_page: Page, live_server, database
):
    """The same title aimed at publishing itself past moderation: staff open every page that
    shows it (the queue, the idea, starting a service from it) and nothing is sent."""
    page = browser_page
    idea = database(select(func.max(Idea.id))) + 1
    values = json.dumps({"decision": "published", "message": ""})
    title = (
        f"""<i hx-post="/staff/ideas/{idea}/decision" hx-vals='{values}' hx-trigger="load"></i>"""
    )
    propose(page, live_server, title)
    assert database(select(Idea.title).where(Idea.id == idea)) == title
    entries = database(select(func.count(AuditEntry.id)))

    pages = ["/staff/", "/staff/pending", f"/staff/ideas/{idea}", f"/codesign/new?idea={idea}"]
    sent = open_as(page, "library_staff", *pages, base_url=live_server)
    page.goto(f"{live_server}/staff/pending")
    expect(page.get_by_role("link", name=title)).to_be_visible()

    assert sent == []
    assert database(select(Idea.status).where(Idea.id == idea)) == IdeaStatus.PENDING
    assert database(select(func.count(AuditEntry.id))) == entries


# Markup put into every container of people's words, and into one place that is not.
INJECT = """(marker) => {
  const containers = [...document.querySelectorAll("[hx-disable]")];
  containers.forEach((element, n) => {
    element.insertAdjacentHTML("beforeend", marker.replace("NAME", "inert-" + n));
  });
  document.querySelector("main").insertAdjacentHTML("beforeend", marker.replace("NAME", "control"));
  htmx.process(document.body);
  return containers.map((element) => element.tagName.toLowerCase() + "." + element.className);
}"""
MARKER = '<i hx-post="/stored-markup/NAME" hx-trigger="load">x</i>'
# Pages with every kind of container: names, titles, descriptions, messages, questions,
# services, partners, sessions, skills, reviews, choices, the audit log, status messages.
PAGES_BY_PERSON = {
    "admin": [
        "/ideas/5",
        "/consultations/2",
        "/consultations/3",
        "/codesign/services/1",
        "/codesign/services/1/edit",
        "/review/reviews/1",
        "/staff/ideas/7",
        "/staff/join-codes",
        "/admin/",
        "/admin/audit",
        "/services/1",
        "/you-said-we-did",
    ],
    "sam_reads": ["/my-ideas", "/notices", "/account/data", "/account/devices"],
}


def test_markup_put_into_any_container_of_peoples_words_sends_nothing(
    browser_page: Page, live_server
):
    """On each page, htmx processes markup that fires on load in every hx-disable container and
    sends nothing, while the same markup outside them sends its POST (so the test can fail)."""
    page = browser_page
    fired = []

    def answer(route):
        fired.append(route.request.url.rsplit("/", 1)[1])
        route.fulfill(status=204)

    page.route(re.compile(r".*/stored-markup/.*"), answer)
    page.goto(live_server)
    kinds = set()
    for name, paths in PAGES_BY_PERSON.items():
        sign_in(page, name, PASSWORD)
        for path in paths:
            page.goto(live_server + path)
            with page.expect_request(re.compile(r".*/stored-markup/control$")):
                containers = page.evaluate(INJECT, MARKER)
            page.wait_for_load_state("networkidle")
            assert containers, f"{path} has no container of people's words"
            kinds.update(containers)
            assert fired == ["control"], f"{name} on {path}: {fired}"
            fired.clear()
        sign_out(page, name)
    # Names, titles, words and messages, choices, and the status region were all among them.
    assert {
        "bdi.",
        "h1.",
        "div.idea-text",
        "p.message-from-staff",
        "select.",
        "div.status",
    } <= kinds


SWAP = """(answer) => {
  htmx.swap(document.querySelector("main"), answer, {swapStyle: "beforeend"});
  return document.getElementById("status").textContent;
}"""


def test_markup_nested_in_an_htmx_answer_never_swaps_itself_elsewhere(
    browser_page: Page, live_server
):
    """htmx swaps only an answer's top-level out-of-band elements (allowNestedOobSwaps is off),
    so markup inside people's words in an answer cannot replace another part of the page."""
    page = browser_page
    page.goto(live_server)
    nested = '<p hx-disable><i id="status" hx-swap-oob="innerHTML">Nested</i></p>'
    assert page.evaluate(SWAP, nested) == ""
    top_level = '<div id="status" hx-swap-oob="innerHTML">Top level</div>'
    assert page.evaluate(SWAP, top_level) == "Top level"

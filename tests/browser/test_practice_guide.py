"""A QLP reviewer prints the practice guide: at 1280 px and 360 px, in print media, the site's
header and the filter are gone, every case study is there, and axe finds nothing."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import CodesignService, ServiceStatus, ServiceStatusChange
from app.seed import DEMO_SERVICE
from tests.browser.conftest import PHONE, copy_of_demo, serving
from tests.browser.test_layout import AXE, AXE_RUN, LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
WIDE = {"viewport": {"width": 1280, "height": 800}}
LESSONS = "Ask young people to run the first session themselves."


def deliver_demo_service(database: Path) -> None:
    """The demo's co-designed service, delivered, with what its Quality Leader learned."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": False})
    with app.app_context():
        service = db.session.execute(
            select(CodesignService).where(CodesignService.name == DEMO_SERVICE)
        ).scalar_one()
        for step in (ServiceStatus.PILOTING, ServiceStatus.DELIVERED):
            db.session.add(
                ServiceStatusChange(
                    service=service, from_status=service.status, to_status=step, message="On."
                )
            )
            service.status = step
        service.lessons_learned = LESSONS
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_database):
    """The demo site with its service delivered, so the guide has a case study to print."""
    database = copy_of_demo(demo_database, tmp_path_factory.mktemp("guide"))
    deliver_demo_service(database)
    with serving(database, {}) as url:
        yield url


def reviewer_page(chromium, live_server: str, size: dict) -> Page:
    """A browser of this size, signed in as the demo QLP reviewer."""
    context = chromium.new_context(**size)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Your name on this site").fill("qlp_reviewer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are signed in.")
    return page


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1280px", "360px"])
def test_a_reviewer_prints_the_practice_guide(chromium, live_server: str, size):
    """From the QLP dashboard to the guide, which fits the screen; in print media no header or
    filter, each case study on a new page with what was learned; axe finds nothing either way."""
    axe = AXE.read_text()
    page = reviewer_page(chromium, live_server, size)
    page.goto(f"{live_server}/review/")
    page.get_by_role("link", name="The QLP practice guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("QLP practice guide")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    assert page.evaluate(axe + AXE_RUN) == []
    page.get_by_role("link", name=DEMO_SERVICE).click()
    expect(page.get_by_role("heading", level=2, name=DEMO_SERVICE)).to_be_in_viewport()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".guide-filter")).to_be_hidden()
    expect(page.get_by_role("button", name="Download the guide as one HTML file")).to_be_hidden()
    expect(page.get_by_text(LESSONS)).to_be_visible()
    assert (
        page.locator(".case-study").first.evaluate("(el) => getComputedStyle(el).breakBefore")
        == "page"
    )
    assert page.evaluate(axe + AXE_RUN) == []
    page.context.close()

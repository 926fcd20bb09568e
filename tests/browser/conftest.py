"""Browser fixtures: the app on a real local server, and a phone-sized headless Chromium page.

Each test process starts Chromium once and makes the demo database once; each test gets a
fresh browser context and, unless its module shares one, a server on a copy of the database.
"""

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.seed import load_demo_data, load_outcome_frameworks

ROOT = Path(__file__).resolve().parents[2]
HTMX = ROOT / "static" / "vendor" / "htmx.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Each test process runs a browser and the served app beside others on a shared machine: a
# page's answer may take seconds there, so assertions wait as long as actions do.
expect.set_options(timeout=10_000)
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
# Runs in every page before its own scripts; CSP does not apply to scripts Playwright injects.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.href}`
  );
});
"""


@dataclass
class PageLog:
    """Everything the browser did that a test may want to check afterwards."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def record_console(self, message) -> None:
        """Keep console errors, with the address they came from."""
        url = message.location.get("url", "")
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({url})")

    def requests_elsewhere(self, base_url: str) -> list[str]:
        """Requests to anywhere but the live server."""
        return [url for url in self.requests if not url.startswith(base_url + "/")]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def live_config() -> dict:
    """Settings for the served app beyond the defaults; a test module may override this."""
    return {}


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A database file with the demo data, made once per test process; servers run on copies."""
    if not HTMX.exists():
        pytest.fail(
            f"{HTMX.relative_to(ROOT)} is missing: run `make install` to copy htmx into place."
        )
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "demo"})
    with app.app_context():
        db.create_all()
        load_outcome_frameworks()
        load_demo_data()
        db.session.remove()
        db.engine.dispose()
    return path


@contextmanager
def serving(database: Path, settings: dict):
    """The app on a copy of the demo database, served on a free local port; yields its URL."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "browser-test",
            "TESTING": False,
            **settings,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def copy_of_demo(demo_database: Path, folder: Path) -> Path:
    """A copy of the demo database, as `browser.db` in `folder`."""
    database = folder / "browser.db"
    shutil.copyfile(demo_database, database)
    return database


@pytest.fixture
def live_server(tmp_path, live_config, demo_database):
    """The app with demo data (in `tmp_path`/browser.db), served on a free local port; yields
    its base URL. Each test has a server and a database of its own."""
    with serving(copy_of_demo(demo_database, tmp_path), live_config) as url:
        yield url


@pytest.fixture(scope="module")
def module_live_server(tmp_path_factory, demo_database):
    """One server with demo data for a whole module whose tests change nothing the others see
    (a module uses it by naming it `live_server`); yields its base URL."""
    with serving(copy_of_demo(demo_database, tmp_path_factory.mktemp("live")), {}) as url:
        yield url


@pytest.fixture
def page_log() -> PageLog:
    """What the browser page requested and complained about."""
    return PageLog()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the test process; each test gets contexts of its own."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and REQUIRE_BROWSER=1 (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_page(chromium, live_server, page_log, request):
    """A headless Chromium page the size of a phone, recording requests and errors.

    Every context the test opens in the browser is closed at its end.
    """
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    context.expose_binding(
        "reportCspViolation", lambda _source, text: page_log.csp_violations.append(text)
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("request", lambda req: page_log.requests.append(req.url))
    page.on("console", page_log.record_console)
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    try:
        yield page
    finally:
        _screenshot_if_failed(request.node, page)
        for opened in chromium.contexts:
            opened.close()


def _screenshot_if_failed(item, page) -> None:
    """Save what the page looked like when a test failed, for debugging."""
    report = getattr(item, "report_call", None)
    if report is None or not report.failed:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    path = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # a crashed page must not hide the test's own failure
        print(f"Could not save a screenshot to {path}: {error}")
    else:
        print(f"Screenshot of the failed page: {path}")

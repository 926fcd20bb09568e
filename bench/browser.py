"""Measures what a first and a repeat visit transfer, with headless Chromium through Playwright."""

from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A phone, as the young people use.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@dataclass
class Resource:
    """One request the page made, and what came over the network for it."""

    url: str
    type: str = ""
    status: int = 0
    encoded_bytes: int = 0
    from_cache: bool = False
    finished: bool = False
    failed: str = ""

    @property
    def over_network(self) -> bool:
        """True if bytes came over the network (a 304 revalidation counts: it is a round trip)."""
        return self.finished and not self.from_cache and self.encoded_bytes > 0


@dataclass
class Visit:
    """Every resource of one page load."""

    resources: dict[str, Resource] = field(default_factory=dict)

    def on_request(self, event: dict) -> None:
        """A request is about to go out (or be answered from a cache)."""
        resource = self.resources.setdefault(event["requestId"], Resource(event["request"]["url"]))
        resource.type = event.get("type", "")

    def on_response(self, event: dict) -> None:
        """Headers arrived, from the network or a cache."""
        resource = self.resources.setdefault(event["requestId"], Resource(event["response"]["url"]))
        response = event["response"]
        resource.status = response.get("status", 0)
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            resource.from_cache = True

    def on_cached(self, event: dict) -> None:
        """Chromium answered from its memory cache."""
        if event["requestId"] in self.resources:
            self.resources[event["requestId"]].from_cache = True

    def on_finished(self, event: dict) -> None:
        """Everything arrived; encodedDataLength counts the bytes received, headers included."""
        resource = self.resources.setdefault(event["requestId"], Resource("?"))
        resource.finished = True
        resource.encoded_bytes = int(event.get("encodedDataLength", 0))

    def on_failed(self, event: dict) -> None:
        """The request failed or was cancelled."""
        resource = self.resources.setdefault(event["requestId"], Resource("?"))
        resource.failed = event.get("errorText", "failed")

    def summary(self, base_url: str) -> dict:
        """Bytes received over the network, and the list of resources."""
        rows = [
            {
                "url": r.url.removeprefix(base_url) or "/",
                "type": r.type,
                "status": r.status,
                "bytes": r.encoded_bytes,
                "from_cache": r.from_cache,
                "over_network": r.over_network,
                "failed": r.failed,
            }
            for r in self.resources.values()
        ]
        return {
            "bytes": sum(r.encoded_bytes for r in self.resources.values() if r.over_network),
            "over_network": [row["url"] for row in rows if row["over_network"]],
            "resources": rows,
        }


def _load(page, cdp, action) -> Visit:
    """Record every network event while `action` loads a page, until the network is quiet."""
    visit = Visit()
    handlers = {
        "Network.requestWillBeSent": visit.on_request,
        "Network.responseReceived": visit.on_response,
        "Network.requestServedFromCache": visit.on_cached,
        "Network.loadingFinished": visit.on_finished,
        "Network.loadingFailed": visit.on_failed,
    }
    for name, handler in handlers.items():
        cdp.on(name, handler)
    try:
        action()
        page.wait_for_load_state("networkidle")
    finally:
        for name, handler in handlers.items():
            cdp.remove_listener(name, handler)
    return visit


def visits(base_url: str) -> dict:
    """Open / in a fresh context, then follow the site's link back to / in the same context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(**PHONE)
            context.set_default_timeout(30_000)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = _load(page, cdp, lambda: page.goto(base_url + "/", wait_until="load"))

            def follow_link() -> None:
                """A normal navigation, as a person clicking the site's name makes."""
                link = page.locator('a[href="/"]').first
                if link.count():
                    with page.expect_navigation(wait_until="load"):
                        link.click()
                else:
                    page.goto(base_url + "/", wait_until="load")

            repeat = _load(page, cdp, follow_link)
            context.close()
        finally:
            browser.close()
    return {
        "first": first.summary(base_url),
        "repeat": repeat.summary(base_url),
        "chromium": browser.version,
    }

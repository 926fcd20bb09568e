"""Serving a page's stream of server-sent events: heartbeats, batches, and a bounded life.

A stream is opened by a view that has already checked the viewer may see the page, with the
channels that page listens on and a `translate` function turning a batch of events into SSE
messages. The view's database session is closed before streaming, so an open stream holds no
database connection.
"""

import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from flask import Response, current_app, render_template, session, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from app.extensions import db
from app.live.broker import BrokerUnavailable
from app.live.events import person_channel, session_channel

Translate = Callable[[list[dict]], Iterable[tuple[str, str]]]

# How long a browser waits before reconnecting a stream that ended.
RETRY_MILLISECONDS = 3000


class Count(NamedTuple):
    """An idea's vote count, as `ideas/_vote_count.html` shows it."""

    id: int
    vote_count: int


def message(name: str, data: str) -> str:
    """One SSE message; the data is one line (templates render without newlines)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n"


def new_session_id() -> str:
    """Give this signed-in session a new id, on which its streams hear that it signed out."""
    session["live"] = secrets.token_urlsafe(16)
    return session["live"]


def session_id() -> str:
    """This signed-in session's id for live streams (made at sign-in; here if it predates that)."""
    return session.get("live") or new_session_id()


def open_stream(channels: Iterable[str], translate: Translate) -> Response:
    """Answer with an event stream on these channels; 503 where streams cannot be served now.

    A 503 comes from a process that serves no streams, or while Redis is unreachable; the
    page then polls.

    A signed-in person's stream also listens for the end of their session and for changes to
    their access, and ends on either; reconnecting then checks them afresh.
    """
    if not current_app.config["LIVE_STREAMS"]:
        return _unavailable()
    channels = set(channels)
    if current_user.is_authenticated:
        channels |= {person_channel(current_user.id), session_channel(session_id())}
    try:
        subscription = current_app.extensions["live"].subscribe(channels)
    except BrokerUnavailable:
        return _unavailable()
    db.session.close()
    config = current_app.config
    # Streams end at slightly different times, so pages opened together don't reconnect together.
    lifetime = config["LIVE_STREAM_SECONDS"] * random.uniform(0.8, 1.0)
    stream = _events(subscription, translate, config["LIVE_HEARTBEAT_SECONDS"], lifetime)
    response = Response(stream_with_context(stream), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    # Tells nginx not to buffer the stream.
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _unavailable() -> Response:
    """No stream now: the browser retries later, and the page polls meanwhile."""
    return Response("", status=503, headers={"Retry-After": "30"})


def _events(subscription, translate: Translate, heartbeat: float, lifetime: float) -> Iterator[str]:
    """Messages for the browser until the stream's life is over or its session ends."""
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n: open\n\n"
        deadline = time.monotonic() + lifetime
        while (remaining := deadline - time.monotonic()) > 0:
            events = subscription.get(timeout=min(heartbeat, remaining))
            if subscription.closed or any(event["kind"] == "end" for event in events):
                return
            if not events:
                yield ": keep-alive\n\n"
                continue
            for name, data in translate(events):
                yield message(name, data)
    finally:
        subscription.close()


def latest_counts(events: list[dict], seen: dict[int, int], idea_id: int | None = None):
    """The newest count of each idea in a batch, skipping any older than one already sent.

    `seen` (idea id -> sequence) belongs to one stream: counts published from two workers can
    arrive out of order, and a stream never shows a count older than one it has shown.
    """
    newest: dict[int, dict] = {}
    for event in events:
        if event["kind"] != "votes" or (idea_id is not None and event["idea"] != idea_id):
            continue
        if event["seq"] > seen.get(event["idea"], -1):
            seen[event["idea"]] = event["seq"]
            newest[event["idea"]] = event
    return tuple(Count(event["idea"], event["count"]) for event in newest.values())


def counts_and_news(news: tuple[str, str, dict], page_url: str, idea_id: int | None = None):
    """How a page showing vote counts hears its events: the counts that changed, then a notice.

    `news` is the notice's event name, its template and what an `idea` event must match to
    bring it; `idea_id` keeps the counts to one idea. Both are the same for everyone who may
    see the page, so they travel in the event, and other phones make no request at all.
    """
    name, template, match = news
    seen: dict[int, int] = {}

    def translate(events: list[dict]):
        """The changed counts, newest only; the notice at most once a batch."""
        counts = latest_counts(events, seen, idea_id)
        if counts:
            yield vote_counts_message(counts)
        if has(events, "idea", **match):
            yield rendered(name, template, page_url=page_url)

    return translate


def vote_counts_message(ideas: tuple[Count, ...]) -> tuple[str, str]:
    """The `votes` message: each idea's count, swapped out of band into its place on the page."""
    return rendered("votes", "ideas/_vote_counts.html", ideas=ideas)


def one_line(html: str) -> str:
    """A rendered partial on one line, as one SSE data line."""
    return " ".join(html.split())


def has(events: list[dict], kind: str, **match) -> bool:
    """True if any event in the batch is of this kind and matches every given value."""
    return any(
        event["kind"] == kind and all(event.get(key) == value for key, value in match.items())
        for event in events
    )


def names_change(
    name: str, kind: str, *, within: frozenset[int] | None = None, **match
) -> Translate:
    """How a page that fetches its own partial hears its events: a `name` message naming only
    that something changed, once a batch, when an event of `kind` matches `match`.

    `within`, when given, keeps to events of those library services. The page then fetches its
    fresh partial with the viewer's own request, so nothing private travels in the event.
    """

    def translate(events: list[dict]):
        """At most one message a batch."""
        if within is not None:
            events = [event for event in events if event.get("library_service") in within]
        if has(events, kind, **match):
            yield name, "changed"

    return translate


# Partials already rendered for streams, by template, language and context. Every stream of a
# page is sent the same batch, so a batch is rendered once per process and language, not once
# per open page.
_rendered: dict[tuple, str] = {}
_RENDERED_MAX = 512


def rendered(name: str, template: str, **context) -> tuple[str, str]:
    """A message carrying a rendered partial, the same for everyone who receives it.

    `context` holds only hashable values that, with the language, decide the whole partial.
    """
    key = (template, str(get_locale()), tuple(sorted(context.items())))
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= _RENDERED_MAX:
            _rendered.clear()
        html = _rendered[key] = one_line(render_template(template, **context))
    return name, html

"""Live pages: the broker, events sent only after a commit, and the streams pages listen to.

Streams are read the way a browser reads them, through the test client, after the actions
that should reach them: a stream's events wait in its inbox until they are read.
"""

import os
import threading
import time
import uuid
from datetime import date

import pytest
import redis

from app.audit import record
from app.codesign import services as codesign
from app.extensions import db
from app.ideas import services
from app.live import events as live
from app.live.broker import BrokerUnavailable, LocalBroker, RedisBroker
from app.models import Phase, Role
from app.rules import RuleError
from tests.conftest import PASSWORD, csrf_token

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
# A port nothing listens on: Redis is "down".
REDIS_DOWN = "redis://127.0.0.1:1/0"


def redis_broker(prefix: str) -> RedisBroker:
    """A Redis broker of its own, as one gunicorn worker holds."""
    return RedisBroker(REDIS_URL, coalesce_seconds=0.01, prefix=prefix)


@pytest.fixture(params=["in-process", pytest.param("redis", marks=needs_redis)])
def brokers(request):
    """Two brokers that should see each other's events: one process, or two through Redis."""
    if request.param == "in-process":
        broker = LocalBroker(coalesce_seconds=0.01)
        return broker, broker
    prefix = f"test-{uuid.uuid4().hex}:"
    return redis_broker(prefix), redis_broker(prefix)


def first_batch(subscription, timeout: float = 2.0) -> list[dict]:
    """The first batch of events to arrive, waiting up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        events = subscription.get(timeout=remaining)
        if events or subscription.closed:
            return events
    return []


# --- The broker ---------------------------------------------------------------------------------


def test_an_event_reaches_every_listener_of_its_channel_and_no_other(brokers):
    """Listeners on the channel get the event, in another worker too; others get nothing."""
    publisher, other_worker = brokers
    here = publisher.subscribe(["consultation:1"])
    there = other_worker.subscribe(["consultation:1", "queue:all"])
    elsewhere = other_worker.subscribe(["consultation:2"])
    publisher.publish("consultation:1", {"kind": "votes", "idea": 5, "count": 3, "seq": 3})
    expected = [{"kind": "votes", "idea": 5, "count": 3, "seq": 3}]
    assert first_batch(here) == expected
    assert first_batch(there) == expected
    assert elsewhere.get(timeout=0.2) == []


def test_events_published_together_arrive_as_one_batch(brokers):
    """A class voting at once wakes each stream once, with every count in the batch."""
    publisher, other_worker = brokers
    subscription = other_worker.subscribe(["consultation:1"])
    for count in (1, 2, 3):
        publisher.publish("consultation:1", {"kind": "votes", "count": count})
    time.sleep(0.3)
    assert [event["count"] for event in subscription.get(timeout=1)] == [1, 2, 3]


def test_a_stream_opened_after_a_change_is_not_told_of_it(brokers):
    """A page opened just after a change (its author's new idea) already shows it: its stream,
    opened while that event still waited to be handed out, hears only what comes later."""
    publisher, other_worker = brokers
    publisher.hub.coalesce_seconds = other_worker.hub.coalesce_seconds = 0.5
    watching = other_worker.subscribe(["consultation:1"])
    publisher.publish("consultation:1", {"kind": "idea", "idea": 7, "listed": False})
    time.sleep(0.1)  # the event has reached every worker, and waits in its batch
    opened_later = other_worker.subscribe(["consultation:1"])
    publisher.publish("consultation:1", {"kind": "votes", "idea": 5, "count": 1, "seq": 1})
    assert [event["kind"] for event in first_batch(watching)] == ["idea", "votes"]
    assert [event["kind"] for event in first_batch(opened_later)] == ["votes"]


def test_closing_a_subscription_wakes_its_stream_and_stops_its_events(brokers):
    """A closed inbox returns at once and receives nothing more."""
    publisher, _ = brokers
    subscription = publisher.subscribe(["consultation:1"])
    subscription.close()
    started = time.monotonic()
    assert subscription.get(timeout=5) == []
    assert time.monotonic() - started < 1
    publisher.publish("consultation:1", {"kind": "votes"})
    assert subscription.get(timeout=0.2) == []


def test_publishing_while_redis_is_down_neither_fails_nor_waits():
    """Votes never wait on Redis: a failed publish is dropped, and the next ones skip Redis."""
    broker = RedisBroker(REDIS_DOWN, coalesce_seconds=0.01)
    started = time.monotonic()
    for _ in range(50):
        broker.publish("consultation:1", {"kind": "votes"})
    assert time.monotonic() - started < 2


def test_streams_are_refused_while_redis_is_down():
    """No stream can be promised without Redis: the page is told to fall back to polling."""
    broker = RedisBroker(REDIS_DOWN, coalesce_seconds=0.01)
    assert not broker.healthy
    with pytest.raises(BrokerUnavailable):
        broker.subscribe(["consultation:1"])


@needs_redis
def test_losing_redis_ends_every_stream_and_the_broker_reconnects():
    """When the subscriber connection drops, streams end (pages reconnect or poll), and the
    broker subscribes again by itself."""
    prefix = f"test-{uuid.uuid4().hex}:"
    broker = redis_broker(prefix)
    subscription = broker.subscribe(["consultation:1"])
    assert broker.healthy
    admin = redis.Redis.from_url(REDIS_URL)
    killed = 0
    for client in admin.client_list(_type="pubsub"):
        if client["name"] == f"{prefix}subscriber":
            admin.client_kill_filter(_id=client["id"])
            killed += 1
    assert killed == 1
    assert first_batch(subscription) == []
    assert subscription.closed
    deadline = time.monotonic() + 5
    while not broker.healthy and time.monotonic() < deadline:
        time.sleep(0.05)
    again = broker.subscribe(["consultation:1"])
    broker.publish("consultation:1", {"kind": "votes"})
    assert first_batch(again) == [{"kind": "votes"}]


# --- Events are sent after the commit, and only then ------------------------------------------


def listen(app, *channels):
    """Subscribe to the app's own broker, as a stream of the app would."""
    return app.extensions["live"].subscribe(channels)


def test_a_vote_is_announced_with_its_count_once_committed(app, make):
    """Other phones hear the new count, and the sequence that orders racing counts."""
    idea = make.idea()
    first, second = make.user(), make.user()
    inbox = listen(app, live.consultation_channel(idea.consultation_id))
    services.cast_vote(first, idea)
    services.cast_vote(second, idea)
    assert first_batch(inbox) == [
        {"kind": "votes", "idea": idea.id, "count": 1, "seq": 1},
        {"kind": "votes", "idea": idea.id, "count": 2, "seq": 2},
    ]


def test_a_rolled_back_vote_sends_no_event(app, make):
    """A vote counted inside a transaction that is then rolled back reaches no page."""
    idea = make.idea()
    inbox = listen(app, live.consultation_channel(idea.consultation_id))
    services._count_vote(idea, +1)
    db.session.rollback()
    services.cast_vote(make.user(), idea)  # the next transaction, committed
    assert first_batch(inbox) == [{"kind": "votes", "idea": idea.id, "count": 1, "seq": 1}]
    assert inbox.get(timeout=0.3) == []


def test_a_refused_vote_sends_no_event(app, make):
    """A second vote for the same idea, or one over the budget, changes nothing and says nothing."""
    idea = make.idea()
    voter = make.user()
    services.cast_vote(voter, idea)
    inbox = listen(app, live.consultation_channel(idea.consultation_id))
    with pytest.raises(RuleError):
        services.cast_vote(voter, idea)
    assert inbox.get(timeout=0.3) == []


def test_a_decision_reaches_the_queue_the_consultation_and_the_author(app, make):
    """Publishing a pending idea changes the queue, the public list and the author's ideas."""
    idea = make.idea(published=False)
    library_service = idea.consultation.library_service
    member = make.staff(library_service)
    queue = listen(app, live.queue_channel(library_service.id))
    everything = listen(app, live.queue_channel(None))
    page = listen(app, live.consultation_channel(idea.consultation_id))
    author = listen(app, live.person_channel(idea.author_id))
    services.approve_idea(idea, member)
    queued = {"kind": "queue", "library_service": library_service.id}
    assert first_batch(queue) == [queued]
    assert first_batch(everything) == [queued]
    assert first_batch(page) == [{"kind": "idea", "idea": idea.id, "listed": True}]
    assert first_batch(author) == [{"kind": "my-ideas", "idea": idea.id}]


def test_a_new_idea_reaches_the_queue_but_not_the_public_list(app, make):
    """A proposal waits for staff: their queue hears of it; the consultation's list is unchanged."""
    consultation = make.consultation(phase=Phase.PROPOSALS_OPEN)
    queue = listen(app, live.queue_channel(consultation.library_service_id))
    page = listen(app, live.consultation_channel(consultation.id))
    services.propose_idea(make.user(), consultation, "Comics club", "Every Friday.")
    assert first_batch(queue) == [
        {"kind": "queue", "library_service": consultation.library_service_id}
    ]
    assert [event["listed"] for event in first_batch(page)] == [False]


def test_a_change_to_a_service_is_announced_with_its_library_service(app, make):
    """Logging a session changes what the service's pages and the dashboard show."""
    service = make.codesign_service(make.accepted_idea())
    member = make.staff(service.library_service)
    inbox = listen(app, live.SERVICES_CHANNEL)
    codesign.log_session(
        service,
        member,
        held_on=date(2026, 1, 5),
        place="Central",
        attendance={"11-13": 4},
        partner_ids=[],
        brought_together=False,
        cohesion_note="",
        decisions="Fridays.",
    )
    assert first_batch(inbox) == [
        {"kind": "service", "service": service.id, "library_service": service.library_service_id}
    ]


def test_a_change_to_someones_access_ends_their_streams(app, make):
    """An audited change to a person (role, lock, library services) ends their open streams."""
    person = make.user()
    inbox = listen(app, live.person_channel(person.id))
    record(make.user(Role.ADMIN), "user.role", person)
    db.session.commit()
    assert first_batch(inbox) == [{"kind": "end"}]


# --- Streams, through HTTP ----------------------------------------------------------------------


class Stream:
    """A page's stream, opened and read in a thread of its own as a browser would.

    The test carries on once the stream is listening; `read()` gives what it sent until
    `until` appeared, it ended, or `seconds` passed.
    """

    def __init__(self, client, path: str, until: str | None = None, seconds: float = 2.0):
        self.status = None
        self.headers = None
        self.text = ""
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(client, path, until, seconds))
        self._thread.start()
        assert self._listening.wait(10)

    def _run(self, client, path, until, seconds) -> None:
        """Open the stream in a context of its own, then read it."""
        try:
            response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
            self.status, self.headers = response.status_code, response.headers
        finally:
            self._listening.set()
        started = time.monotonic()
        for chunk in response.response:
            self.text += chunk.decode() if isinstance(chunk, bytes) else chunk
            if (until and until in self.text) or time.monotonic() - started > seconds:
                break
        response.close()

    def read(self) -> str:
        """Everything the stream sent."""
        self._thread.join(15)
        assert self.status == 200
        assert self.headers["Content-Type"].startswith("text/event-stream")
        return self.text


def in_own_context(client, method: str, path: str, **options):
    """One request from another browser, in an application context of its own."""
    with client.application.app_context():
        return getattr(client, method)(path, **options)


def vote_over_http(client, idea):
    """Vote as the htmx button does; the voter's own answer."""
    with client.application.app_context():
        data = {"csrf_token": csrf_token(client), "next": "/"}
    return in_own_context(
        client, "post", f"/ideas/{idea.id}/vote", data=data, headers={"HX-Request": "true"}
    )


def signed_in_client(app, user):
    """Another browser, signed in as `user`."""
    other = app.test_client()
    with app.app_context():
        data = {"csrf_token": csrf_token(other), "username": user.username, "password": PASSWORD}
    assert in_own_context(other, "post", "/sign-in", data=data).status_code == 303
    return other


def count_span(idea, count: str) -> str:
    """An idea's count as a live event swaps it into place."""
    return f'<span id="vote-count-{idea.id}" class="vote-count" hx-swap-oob="true">{count}</span>'


@pytest.mark.committing
def test_a_vote_on_one_phone_changes_the_count_on_another(app, client, make):
    """The consultation's stream carries the new count, ready to swap into its place."""
    idea = make.idea()
    voter = signed_in_client(app, make.user())
    stream = Stream(client, f"/live/consultations/{idea.consultation_id}", until="event: votes")
    vote_over_http(voter, idea)
    text = stream.read()
    assert "event: votes\n" in text
    assert count_span(idea, "1 vote") in text


@pytest.mark.committing
def test_a_stream_opens_at_once_keeps_alive_and_ends_by_itself(client, make):
    """The browser learns when to reconnect, proxies see traffic, and the stream has an end."""
    idea = make.idea()
    started = time.monotonic()
    text = Stream(client, f"/live/consultations/{idea.consultation_id}", seconds=5).read()
    assert text.startswith("retry: 3000\n: open\n\n")
    assert ": keep-alive\n\n" in text
    assert time.monotonic() - started < 2  # LIVE_STREAM_SECONDS is 0.3 in the tests


@pytest.mark.committing
def test_streams_are_neither_cached_nor_buffered_nor_compressed(client, make):
    """Every event goes straight to the browser, even one that accepts compression."""
    idea = make.idea()
    stream = Stream(client, f"/live/consultations/{idea.consultation_id}")
    stream.read()
    assert stream.headers["Cache-Control"] == "no-store"
    assert stream.headers["X-Accel-Buffering"] == "no"
    assert "Content-Encoding" not in stream.headers


@pytest.mark.committing
def test_the_idea_page_hears_its_own_count_and_news_only(app, client, make):
    """An idea's stream carries its count and a notice when staff move it, not other ideas'."""
    idea = make.idea()
    other = make.idea(idea.consultation)
    member = make.staff(idea.consultation.library_service)
    voters = [signed_in_client(app, make.user()) for _ in range(2)]
    # Four changes must reach the one open stream, on a busy machine too; it is read only until
    # the last one arrives.
    app.config["LIVE_STREAM_SECONDS"] = 5
    stream = Stream(client, f"/live/ideas/{idea.id}", until="event: idea\n")
    vote_over_http(voters[0], other)
    services.change_status(other, member, services.S.UNDER_CONSIDERATION)
    vote_over_http(voters[1], idea)
    services.change_status(idea, member, services.S.UNDER_CONSIDERATION)
    text = stream.read()
    assert count_span(idea, "1 vote") in text
    assert f"vote-count-{other.id}" not in text
    assert "There is news about this idea." in text
    assert text.count("event: idea\n") == 1


@pytest.mark.committing
def test_the_consultation_page_is_told_when_its_list_changes(client, make):
    """A newly published idea brings a notice with a link to the latest list."""
    idea = make.idea()
    waiting = make.idea(idea.consultation, published=False)
    member = make.staff(idea.consultation.library_service)
    stream = Stream(client, f"/live/consultations/{idea.consultation_id}", until="event: ideas")
    services.approve_idea(waiting, member)
    text = stream.read()
    assert "The list of ideas has changed since you opened this page." in text
    assert f'href="/consultations/{idea.consultation_id}"' in text


@pytest.mark.committing
def test_my_ideas_stream_tells_only_the_author(app, make):
    """The author's stream names the change; another young person's stream hears nothing."""
    idea = make.idea(published=False)
    member = make.staff(idea.consultation.library_service)
    author = signed_in_client(app, idea.author)
    bystander = signed_in_client(app, make.user())
    mine = Stream(author, "/live/my-ideas", until="event: my-ideas")
    theirs = Stream(bystander, "/live/my-ideas")
    services.approve_idea(idea, member, "Lovely idea.")
    assert "event: my-ideas\ndata: changed\n\n" in mine.read()
    assert "my-ideas" not in theirs.read()


@pytest.mark.committing
def test_the_queue_stream_names_changes_in_the_viewers_library_services_only(app, make):
    """Staff hear of a new proposal in their own library service, not in another one."""
    consultation = make.consultation()
    proposer = make.user()
    viewers = [
        signed_in_client(app, make.staff(consultation.library_service)),
        signed_in_client(app, make.staff(make.library_service())),
        signed_in_client(app, make.user(Role.ADMIN)),
    ]
    streams = [Stream(viewer, "/staff/live/queue", until="event: queue") for viewer in viewers]
    services.propose_idea(proposer, consultation, "Comics club", "Every Friday.")
    ours, theirs, everything = (stream.read() for stream in streams)
    assert "event: queue\ndata: changed" in ours
    assert "event: queue" not in theirs
    assert "event: queue\ndata: changed" in everything


@pytest.mark.committing
def test_the_dashboard_stream_names_changes_only_where_the_viewer_reads(app, make):
    """Reviewers hear of every service; staff only of their own library services' services."""
    service = make.codesign_service(make.accepted_idea())
    member = make.staff(service.library_service)
    viewers = [
        signed_in_client(app, make.user(Role.QLP_REVIEWER)),
        signed_in_client(app, make.staff(make.library_service())),
    ]
    streams = [Stream(viewer, "/review/live", until="event: services") for viewer in viewers]
    codesign.change_service_status(service, member, codesign.ServiceStatus.PILOTING, "Trying it.")
    reviewers, outsiders = (stream.read() for stream in streams)
    assert "event: services\ndata: changed" in reviewers
    assert "event: services" not in outsiders


@pytest.mark.committing
def test_signing_out_ends_that_sessions_streams_at_once(app, make):
    """A stream opened in a session stops when the session signs out, not minutes later."""
    app.config["LIVE_STREAM_SECONDS"] = 30
    browser = signed_in_client(app, make.user())
    started = time.monotonic()
    stream = Stream(browser, "/live/my-ideas", seconds=10)
    with app.app_context():
        token = csrf_token(browser)
    response = in_own_context(browser, "post", "/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    stream.read()
    assert time.monotonic() - started < 3


def test_streams_refuse_what_their_page_refuses(client, make):
    """A draft consultation's and a pending idea's streams are not found, as their pages are."""
    draft = make.consultation(phase=Phase.DRAFT)
    pending = make.idea(published=False)
    for path in (f"/live/consultations/{draft.id}", f"/live/ideas/{pending.id}"):
        assert client.get(path).status_code == 404
        assert client.get(path.replace("/live", "", 1)).status_code == 404


def test_the_streams_are_unavailable_while_redis_is_down_and_voting_goes_on(app, client, make):
    """With Redis unreachable a page's stream answers 503 (the page polls); a vote still counts."""
    app.extensions["live"] = RedisBroker(REDIS_DOWN, coalesce_seconds=0.01)
    idea = make.idea()
    voter = signed_in_client(app, make.user())
    response = client.get(f"/live/consultations/{idea.consultation_id}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "1 vote" in vote_over_http(voter, idea).get_data(as_text=True)


def test_fresh_counts_are_given_for_the_public_ideas_asked_about(client, make):
    """After an interruption the page asks for its ideas' counts; hidden ideas are left out,
    and ids that name nothing are ignored."""
    idea = make.idea()
    hidden = make.idea(idea.consultation)
    member = make.staff(idea.consultation.library_service)
    services.cast_vote(make.user(), idea)
    services.change_status(hidden, member, services.S.HIDDEN, "Off topic.")
    response = client.get(
        f"/consultations/{idea.consultation_id}/counts"
        f"?idea={idea.id}&idea={hidden.id}&idea=x&idea=-1&idea=99999999999999999999"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert count_span(idea, "1 vote") in html
    assert f"vote-count-{hidden.id}" not in html


def test_a_process_that_serves_no_streams_refuses_them_at_once(app, client, make):
    """Sync workers never hold a stream: if one is asked (a proxy sent it there), the page polls."""
    app.config["LIVE_STREAMS"] = False
    idea = make.idea()
    response = client.get(f"/live/consultations/{idea.consultation_id}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


def gunicorn_settings(name: str, **environ) -> dict:
    """The settings a gunicorn configuration file gives, in a given environment."""
    import runpy
    from pathlib import Path

    saved = dict(os.environ)
    try:
        os.environ.update(environ)
        return runpy.run_path(str(Path(__file__).resolve().parents[1] / name))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_page_workers_never_hold_streams_and_stream_workers_hold_thousands():
    """The production setup: sync workers answer stream addresses 503; gevent workers serve them."""
    pages = gunicorn_settings("gunicorn.conf.py")
    assert pages["worker_class"] == "sync"
    assert "LIVE_STREAMS=0" in pages["raw_env"]
    streams = gunicorn_settings("gunicorn_live.conf.py")
    assert streams["worker_class"] == "gevent"
    assert "LIVE_STREAMS=1" in streams["raw_env"]
    assert streams["worker_connections"] >= 1000

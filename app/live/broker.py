"""The live-update broker: pages listen on channels, and changes are published to them.

Two brokers share one small interface (`publish`, `subscribe`, `healthy`):

- `LocalBroker`, the embedded default, reaches the streams of its own process only;
- `RedisBroker` publishes through Redis pub/sub, so every worker on every host sees every event.

Either way, each process fans events out to its own streams through one `Hub`, which gathers
events for a short moment and hands each stream one batch: a class voting at once costs each
open stream a few wake-ups a second, not one per vote. A stream hears only what reached its
process after it opened: a page opened just after a change was made (the idea page a person is
sent to once their idea is saved) already shows that change, and is not told of it as news.
"""

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable

import redis

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """Streams cannot be served just now (Redis is unreachable); pages poll instead."""


class Subscription:
    """One open stream's inbox: the events published on its channels, a batch at a time."""

    def __init__(self, hub: "Hub", channels: Iterable[str], opened_after: int = 0):
        self.channels = frozenset(channels)
        # The number of the last event the hub took before this inbox opened.
        self.opened_after = opened_after
        self.closed = False
        self._hub = hub
        self._events: deque[dict] = deque()
        self._ready = threading.Condition()

    def deliver(self, events: list[dict]) -> None:
        """Add events to the inbox and wake the stream."""
        with self._ready:
            self._events.extend(events)
            self._ready.notify()

    def get(self, timeout: float) -> list[dict]:
        """Every event waiting, or wait up to `timeout` seconds for some; [] if none came."""
        with self._ready:
            if not self._events and not self.closed:
                self._ready.wait(timeout)
            events = list(self._events)
            self._events.clear()
        return events

    def close(self) -> None:
        """Stop listening; a stream waiting in `get` wakes and ends."""
        self._hub.unsubscribe(self)
        with self._ready:
            self.closed = True
            self._ready.notify_all()


class Hub:
    """One process's listeners, by channel, and the batches it hands them."""

    def __init__(self, coalesce_seconds: float):
        self.coalesce_seconds = coalesce_seconds
        self._lock = threading.Lock()
        self._listeners: dict[str, set[Subscription]] = {}
        self._pending: dict[str, list[tuple[int, dict]]] = {}
        self._taken = 0  # events taken so far, which numbers them
        self._wake = threading.Event()
        self._flusher: threading.Thread | None = None

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        """A new inbox for events on these channels."""
        with self._lock:
            subscription = Subscription(self, channels, opened_after=self._taken)
            for channel in subscription.channels:
                self._listeners.setdefault(channel, set()).add(subscription)
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_forever, daemon=True)
                self._flusher.start()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget an inbox (closing it does this)."""
        with self._lock:
            for channel in subscription.channels:
                listeners = self._listeners.get(channel)
                if listeners is not None:
                    listeners.discard(subscription)
                    if not listeners:
                        del self._listeners[channel]

    @property
    def open_subscriptions(self) -> int:
        """How many inboxes are open in this process."""
        with self._lock:
            return len({s for listeners in self._listeners.values() for s in listeners})

    def dispatch(self, channel: str, event: dict) -> None:
        """Queue an event for this channel's listeners; nobody listening, nothing kept."""
        with self._lock:
            if channel not in self._listeners:
                return
            self._taken += 1
            self._pending.setdefault(channel, []).append((self._taken, event))
        self._wake.set()

    def close_all(self) -> None:
        """End every stream of this process (their pages reconnect, or poll)."""
        with self._lock:
            subscriptions = {s for listeners in self._listeners.values() for s in listeners}
        for subscription in subscriptions:
            subscription.close()

    def _flush_forever(self) -> None:
        """Hand out what gathered, a short while after the first event of each batch, to each
        inbox that was open when the event was taken."""
        while True:
            self._wake.wait()
            time.sleep(self.coalesce_seconds)
            with self._lock:
                self._wake.clear()
                pending, self._pending = self._pending, {}
                batches = [
                    (events, list(self._listeners.get(channel, ())))
                    for channel, events in pending.items()
                ]
            for numbered, listeners in batches:
                events = [event for _, event in numbered]
                for subscription in listeners:
                    if subscription.opened_after < numbered[0][0]:
                        subscription.deliver(events)
                        continue
                    # Opened while this batch gathered: only the events taken since.
                    newer = [event for n, event in numbered if n > subscription.opened_after]
                    if newer:
                        subscription.deliver(newer)


class LocalBroker:
    """Events reach the streams of this process only: the embedded default, one process."""

    healthy = True

    def __init__(self, coalesce_seconds: float):
        self.hub = Hub(coalesce_seconds)

    def publish(self, channel: str, event: dict) -> None:
        """Send an event to everyone listening on the channel."""
        self.hub.dispatch(channel, event)

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        """Listen on these channels."""
        return self.hub.subscribe(channels)


class RedisBroker:
    """Events go through Redis pub/sub, so every worker and every host sees every event.

    Each process holds one subscriber connection (a pattern over every channel), not one per
    stream, and fans out to its own streams through its hub. Publishing never waits long on
    Redis: when it fails, the broker stops trying for a few seconds, so votes go on at full
    speed while Redis is down, and pages poll until it is back.
    """

    RETRY_SECONDS = 5.0

    def __init__(self, url: str, coalesce_seconds: float, prefix: str = "live:"):
        self.hub = Hub(coalesce_seconds)
        self.prefix = prefix
        self._url = url
        self._publisher = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, retry_on_timeout=False
        )
        self._connected = threading.Event()
        self._listener: threading.Thread | None = None
        self._listener_lock = threading.Lock()
        self._publish_paused_until = 0.0

    @property
    def healthy(self) -> bool:
        """True while this process is subscribed to Redis."""
        return self._connected.is_set()

    def publish(self, channel: str, event: dict) -> None:
        """Send an event through Redis; if Redis is down, drop it and say so in the log."""
        if time.monotonic() < self._publish_paused_until:
            return
        try:
            self._publisher.publish(self.prefix + channel, json.dumps(event))
        except (redis.RedisError, OSError) as error:
            self._publish_paused_until = time.monotonic() + self.RETRY_SECONDS
            log.warning("Live updates paused: could not publish to Redis (%s)", error)

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        """Listen on these channels, or refuse (BrokerUnavailable) while Redis is unreachable."""
        self._start_listener()
        if not self._connected.wait(timeout=1.0):
            raise BrokerUnavailable
        return self.hub.subscribe(channels)

    def _start_listener(self) -> None:
        """Start this process's one subscriber, the first time a stream opens."""
        with self._listener_lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen_forever, daemon=True)
                self._listener.start()

    def _listen_forever(self) -> None:
        """Relay Redis messages to the hub; on failure end every stream and reconnect."""
        delay = 0.5
        while True:
            try:
                self._listen()
            except (redis.RedisError, OSError, ValueError) as error:
                log.warning("Live updates unavailable: lost Redis (%s)", error)
            self._connected.clear()
            self.hub.close_all()
            time.sleep(delay)
            delay = min(delay * 2, self.RETRY_SECONDS)

    def _listen(self) -> None:
        """Subscribe to every channel under the prefix and relay messages until Redis fails."""
        client = redis.Redis.from_url(
            self._url,
            socket_connect_timeout=1.0,
            health_check_interval=10,
            client_name=f"{self.prefix}subscriber",
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.psubscribe(self.prefix + "*")
            self._connected.set()
            start = len(self.prefix)
            while True:
                message = pubsub.get_message(timeout=5.0)
                if message is None:
                    pubsub.check_health()
                    continue
                if message["type"] == "pmessage":
                    channel = message["channel"][start:].decode()
                    self.hub.dispatch(channel, json.loads(message["data"]))
        finally:
            pubsub.close()
            client.close()


def make_broker(redis_url: str | None, coalesce_seconds: float, prefix: str = "live:"):
    """Redis pub/sub when a URL is given, otherwise the in-process broker."""
    if redis_url:
        return RedisBroker(redis_url, coalesce_seconds, prefix)
    return LocalBroker(coalesce_seconds)

"""Rate limits: how often one person, one address or one account name may write.

Every limit is in the table RULES and applies to every route that accepts a write, new
routes included, without any decorator: a rule names endpoints only to narrow itself. Reads
(GET) and static files are never limited, so pages and live streams always load. The figures
are settings (app/config.py), chosen so that a class of 30 behind one school address can do
everything a lesson asks of them.

Each limit is a moving window: no more than its figure in any stretch of its length, where
fixed windows would let twice the figure through around the turn of a window. The `limits`
library parses the figures and keeps the windows in memory; in Redis, one script checks
every window a request falls under and counts it in all of them, in one round trip, and only
when none is full (a refused write counts nowhere). A vote, the one write a whole class sends
at once, falls under three limits and so costs one round trip, not three.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from flask import Flask, Response, abort, g, request
from flask_login import current_user
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Signing out must always work, above all on a shared library computer.
NEVER_LIMITED = frozenset({"auth.sign_out"})
# Keys stay short whatever is typed; no pseudonym is longer (app/auth/forms.py).
ACCOUNT_KEY_LENGTH = 30
# What to tell a client when the breached limit cannot be read back (its storage failed).
DEFAULT_RETRY_AFTER = 60
# How long each process counts alone after Redis failed to answer, before asking it again.
REDIS_RETRY_SECONDS = 30
# How long to wait for Redis before counting in memory instead.
REDIS_TIMEOUT_SECONDS = 0.5


def by_address() -> str:
    """The client's address, as the trusted proxies report it (PROXY_COUNT)."""
    return f"address:{request.remote_addr or 'unknown'}"


def by_person() -> str:
    """The signed-in person."""
    return f"person:{current_user.get_id()}"


def by_account() -> str:
    """The account a sign-in names, as sign-in finds it: letter case and spaces ignored."""
    name = request.form.get("username", "").strip().lower()
    return f"account:{name[:ACCOUNT_KEY_LENGTH]}"


def refused(response: Response) -> bool:
    """The form came back with mistakes: a wrong name or password, or a missing field."""
    return response.status_code in (400, 422)


def accepted(response: Response) -> bool:
    """The request did what it asked (and was sent on with a redirect)."""
    return response.status_code < 400


@dataclass(frozen=True)
class Rule:
    """One limit: the setting with its figures, what it counts by, and which writes count.

    `endpoints` narrows the rule to those routes (none: every write); `counts`, when given,
    decides from the response whether a write counts, and the limit is still checked first.
    """

    setting: str
    key: Callable[[], str]
    endpoints: frozenset[str] = frozenset()
    counts: Callable[[Response], bool] | None = None
    signed_in_only: bool = False


SIGN_IN = frozenset({"auth.sign_in"})
PROPOSE = frozenset({"ideas.propose"})
VOTE = frozenset({"ideas.vote", "ideas.unvote"})
REPORT = frozenset({"reports.report"})
RESET_PASSWORD = frozenset({"auth.reset_password"})
# Joining with a code counts with joining without one: one bucket per address for both.
JOIN = frozenset({"auth.join", "joincodes.join"})
RULES = (
    Rule("RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT", by_account, SIGN_IN, counts=refused),
    Rule("RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS", by_address, SIGN_IN, counts=refused),
    Rule("RATELIMIT_JOINS_PER_ADDRESS", by_address, JOIN, counts=accepted),
    Rule("RATELIMIT_RESET_FAILURES_PER_ACCOUNT", by_account, RESET_PASSWORD, counts=refused),
    Rule("RATELIMIT_RESET_FAILURES_PER_ADDRESS", by_address, RESET_PASSWORD, counts=refused),
    Rule("RATELIMIT_PROPOSALS_PER_PERSON", by_person, PROPOSE, signed_in_only=True),
    Rule("RATELIMIT_PROPOSALS_PER_ADDRESS", by_address, PROPOSE),
    Rule("RATELIMIT_VOTES_PER_PERSON", by_person, VOTE, signed_in_only=True),
    Rule("RATELIMIT_REPORTS_PER_PERSON", by_person, REPORT, signed_in_only=True),
    Rule("RATELIMIT_WRITES_PER_PERSON", by_person, signed_in_only=True),
    Rule("RATELIMIT_WRITES_PER_ADDRESS", by_address),
)

# KEYS: one list per window, newest entry first. ARGV: for each key its figure, its length in
# seconds and whether to count this request in it now (1) or only check it (0). Every window
# is checked before any is counted in. Returns 0 when the request may go on, else the number
# of the first full window (from 1) and how many seconds until it has room again. The time is
# Redis's own, so that workers on hosts whose clocks differ agree.
WINDOWS_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
for i, key in ipairs(KEYS) do
  local figure = tonumber(ARGV[3 * i - 2])
  local seconds = tonumber(ARGV[3 * i - 1])
  local oldest = redis.call('LINDEX', key, figure - 1)
  if oldest and tonumber(oldest) > now - seconds then
    return {i, tostring(tonumber(oldest) + seconds - now)}
  end
end
for i, key in ipairs(KEYS) do
  if ARGV[3 * i] == '1' then
    local figure = tonumber(ARGV[3 * i - 2])
    redis.call('LPUSH', key, tostring(now))
    redis.call('LTRIM', key, 0, figure - 1)
    redis.call('EXPIRE', key, tonumber(ARGV[3 * i - 1]))
  end
end
return {0, '0'}
"""


@dataclass(frozen=True)
class Window:
    """One limit as it applies to this request: its figure and the key it counts under."""

    rule: Rule
    item: RateLimitItem
    key: str


class WriteLimits:
    """The app's limits: which apply to each route, and where they are counted.

    Counts live in Redis when a Redis address is set, so every worker and host shares them.
    If Redis does not answer, this process counts in its own memory (every figure is then
    multiplied by the number of processes, README "Rate limits"), and asks Redis again after
    REDIS_RETRY_SECONDS.
    """

    def __init__(self, app: Flask):
        self.enabled = bool(app.config["RATELIMIT_ENABLED"])
        self.prefix = app.config["RATELIMIT_KEY_PREFIX"]
        self.items = {rule: parse(app.config[rule.setting]) for rule in RULES}
        self.storage = MemoryStorage()
        self.memory = MovingWindowRateLimiter(self.storage)
        uri = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
        self.redis = None
        if not uri.startswith("memory://"):
            client = redis.Redis.from_url(
                uri,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self.redis = client.register_script(WINDOWS_SCRIPT)
        self.redis_failed_at: float | None = None
        self._rules: dict[str | None, tuple[Rule, ...]] = {}

    def rules_for(self, endpoint: str | None) -> tuple[Rule, ...]:
        """The rules a write to this route falls under, worked out once per route."""
        if endpoint not in self._rules:
            self._rules[endpoint] = tuple(
                rule for rule in RULES if not rule.endpoints or endpoint in rule.endpoints
            )
        return self._rules[endpoint]

    def windows(self) -> list[Window]:
        """The limits this request falls under, with its key in each."""
        if request.method not in WRITE_METHODS or request.endpoint in NEVER_LIMITED:
            return []
        rules = self.rules_for(request.endpoint)
        if not rules:
            return []
        signed_in = current_user.is_authenticated
        return [
            Window(rule, self.items[rule], f"{self.prefix}:{rule.setting.lower()}:{rule.key()}")
            for rule in rules
            if signed_in or not rule.signed_in_only
        ]

    def _redis_usable(self) -> bool:
        """Redis is set, and has not failed within the last REDIS_RETRY_SECONDS."""
        if self.redis is None:
            return False
        failed = self.redis_failed_at
        return failed is None or time.monotonic() - failed >= REDIS_RETRY_SECONDS

    def check(self, windows: list[Window], count: list[bool]) -> float | None:
        """Check every window, and count this request in those marked in `count` if none is
        full; returns None when it may go on, else the seconds until the first full one has
        room."""
        if self._redis_usable():
            arguments: list = []
            for window, counted in zip(windows, count, strict=True):
                arguments += [window.item.amount, window.item.get_expiry(), int(counted)]
            try:
                full, wait = self.redis(keys=[w.key for w in windows], args=arguments)
            except redis.RedisError:
                self.redis_failed_at = time.monotonic()
            else:
                self.redis_failed_at = None
                return float(wait) if full else None
        return self._check_in_memory(windows, count)

    def _check_in_memory(self, windows: list[Window], count: list[bool]) -> float | None:
        """`check`, counted in this process alone."""
        for window in windows:
            if not self.memory.test(window.item, window.key):
                reset_at, _ = self.memory.get_window_stats(window.item, window.key)
                return max(reset_at - time.time(), 0.0)
        for window, counted in zip(windows, count, strict=True):
            if counted:
                self.memory.hit(window.item, window.key)
        return None

    def before(self) -> None:
        """Refuse the write with a 429 if any of its limits is full; else count it in them
        (those that count only some answers are counted after the answer)."""
        windows = self.windows()
        if not windows:
            return
        wait = self.check(windows, [window.rule.counts is None for window in windows])
        if wait is not None:
            g.retry_after = max(1, math.ceil(wait))
            abort(429)
        later = [window for window in windows if window.rule.counts is not None]
        if later:
            g.count_after = later

    def after(self, response: Response) -> Response:
        """Count the write in the limits that count only some answers, if this one does."""
        later = [w for w in g.pop("count_after", ()) if w.rule.counts(response)]
        if later:
            self.check(later, [True] * len(later))
        return response


def init_limits(app: Flask) -> None:
    """Trust the configured proxies for the client's address, then start counting writes.

    Call it once the blueprints are registered: a rule naming a route that does not exist
    stops the app from starting rather than silently limiting nothing.
    """
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    named = {endpoint for rule in RULES for endpoint in rule.endpoints} | NEVER_LIMITED
    unknown = named - set(app.view_functions)
    if unknown:
        raise RuntimeError(f"rate limits name routes that do not exist: {sorted(unknown)}")
    # One set of limits per app, so that apps built side by side (tests) never share counts
    # unless they share a Redis.
    limits = WriteLimits(app)
    app.extensions["rate_limits"] = limits
    if limits.enabled:
        app.before_request(limits.before)
        app.after_request(limits.after)


def retry_after() -> int:
    """Whole seconds until the limit this request broke lets it through again."""
    return g.get("retry_after", DEFAULT_RETRY_AFTER)

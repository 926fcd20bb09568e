"""Rate limits: how often one person, one address or one account name may write.

Every limit is in the table RULES and applies to every route that accepts a write, new
routes included, without any decorator: a rule names endpoints only to narrow itself. Reads
(GET) and static files are never limited, so pages and live streams always load. The figures
are settings (app/config.py), chosen so that a class of 30 behind one school address can do
everything a lesson asks of them.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Signing out must always work, above all on a shared library computer.
NEVER_LIMITED = frozenset({"auth.sign_out"})
# Keys stay short whatever is typed; no pseudonym is longer (app/auth/forms.py).
ACCOUNT_KEY_LENGTH = 30
# What to tell a client when the breached limit cannot be read back (its storage failed).
DEFAULT_RETRY_AFTER = 60


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


def _exempt(rule: Rule) -> Callable[[], bool]:
    """When `rule` does not apply to the request at hand."""

    def exempt() -> bool:
        """Reads, routes outside the rule, and anonymous requests for a rule about people."""
        if request.method not in WRITE_METHODS or request.endpoint in NEVER_LIMITED:
            return True
        if rule.endpoints and request.endpoint not in rule.endpoints:
            return True
        return rule.signed_in_only and not current_user.is_authenticated

    return exempt


def _limit(app: Flask, rule: Rule) -> ApplicationLimit:
    """The rule as a limit shared by all the routes it covers, under a bucket of its own."""
    return ApplicationLimit(
        limit_provider=app.config[rule.setting],
        key_function=rule.key,
        scope=rule.setting.lower(),
        exempt_when=_exempt(rule),
        deduct_when=rule.counts,
    )


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
    # One limiter per app, so that apps built side by side (tests) never share counts
    # unless they share a storage.
    limiter = Limiter(
        key_func=by_address,
        application_limits=[_limit(app, rule) for rule in RULES],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://",
        # Exact: a limit of 10 per 15 minutes never lets an 11th through in any 15 minutes,
        # where fixed windows would let 20 through around the turn of a window.
        strategy="moving-window",
        # If Redis goes away, each process goes on counting by itself rather than failing writes,
        # so each figure is multiplied by the number of processes until Redis is back (README,
        # "Rate limits", says why that is the choice).
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    app.extensions["rate_limits"] = limiter


def retry_after() -> int:
    """Whole seconds until the limit this request broke lets it through again."""
    limiter = current_app.extensions.get("rate_limits")
    breached = limiter.current_limit if limiter and limiter.enabled else None
    if breached is None:
        return DEFAULT_RETRY_AFTER
    return max(1, math.ceil(breached.window.reset_time - time.time()))

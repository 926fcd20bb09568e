"""Settings read from the environment, with safe embedded defaults."""

import os
from urllib.parse import urlsplit


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def school_names(listed: str, path: str | None) -> tuple[str, ...]:
    """Local school names: those listed, then those in the file at `path`, if one is given.

    Names are separated by new lines or semicolons; blank names and lines starting with "#"
    (comments, such as where a file's list came from) are left out. A file that cannot be
    read stops the application starting, rather than quietly checking for no schools.
    """
    text = listed
    if path:
        with open(path, encoding="utf-8") as listing:
            text += "\n" + listing.read()
    names = []
    for line in text.splitlines():
        if not line.strip().startswith("#"):
            names.extend(name.strip() for name in line.split(";"))
    return tuple(dict.fromkeys(name for name in names if name))


def public_url(url: str) -> str:
    """The site's public address as `scheme://host[:port]`, or "" when it is not set.

    Refuses (ValueError, so the app does not start) anything but an http or https origin: the
    address is printed on posters, where a mistake would send a class to the wrong place.
    """
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        origin = (
            parts.scheme in ("http", "https")
            and parts.hostname
            and parts.username is None
            and not (parts.path or parts.query or parts.fragment)
            and parts.port != 0
        )
    except ValueError:  # a port that is not a number from 0 to 65535
        origin = False
    if not origin:
        raise ValueError(f"PUBLIC_URL must be like https://ideas.example.org, not {url!r}")
    return url


DISCLOSURE_THRESHOLDS = (5, 10)


def disclosure_threshold(value: str | int) -> int:
    """The smallest count the evidence area shows as a number: 5 or 10.

    Anything else raises ValueError, so the application does not start with a threshold that
    would show small numbers of children (app/evidence/disclosure.py).
    """
    text = str(value).strip()
    if text not in {str(allowed) for allowed in DISCLOSURE_THRESHOLDS}:
        raise ValueError(f"DISCLOSURE_THRESHOLD must be 5 or 10, not {value!r}")
    return int(text)


class Config:
    """Settings for running the application; every one can be set in the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    # Whether this process serves streams. The production setup serves pages and votes from
    # sync workers, which must never hold a stream, and streams from gevent workers of their
    # own (gunicorn.conf.py, gunicorn_live.conf.py); a stream request that reaches a process
    # that does not serve them is answered 503, and its page polls.
    LIVE_STREAMS = os.environ.get("LIVE_STREAMS", "1") == "1"
    # Live pages: a comment every so often keeps proxies from closing a quiet stream; a stream
    # ends after a while and the browser reconnects, which checks the viewer's access afresh;
    # events are gathered for a moment and sent as one batch.
    LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))
    LIVE_STREAM_SECONDS = float(os.environ.get("LIVE_STREAM_SECONDS", "300"))
    LIVE_COALESCE_SECONDS = float(os.environ.get("LIVE_COALESCE_SECONDS", "0.25"))
    # While a page cannot hold its stream open (Redis down, or a proxy in the way), it polls.
    LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "30"))
    # Redis pub/sub channels are shared by every database number: the prefix keeps apps apart.
    LIVE_REDIS_PREFIX = os.environ.get("LIVE_REDIS_PREFIX", "live:")
    # The address people reach the site at, e.g. https://ideas.example-library.org.uk: posters
    # and their QR codes carry it (app/web.py, public_address). Without it only this machine's
    # own name (localhost, 127.0.0.1, ::1) is taken from a request, never another Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    # A sign-in unused for this long no longer counts (app/auth/sessions.py); the retention
    # purge deletes it.
    SIGN_IN_IDLE_DAYS = int(os.environ.get("SIGN_IN_IDLE_DAYS", "30"))
    # Young people's accounts unused for this many months are deleted by `flask retention purge`
    # (app/retention.py), which is meant to run daily.
    RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
    WTF_CSRF_TIME_LIMIT = None
    # Local schools whose names in an idea or a message to a young person are held for staff
    # (app/personal_info.py): in SAFEGUARDING_SCHOOL_NAMES, separated by new
    # lines or semicolons, and/or in a text file named by SAFEGUARDING_SCHOOL_NAMES_FILE, one
    # a line. Both may be given; the names are put together.
    SAFEGUARDING_SCHOOL_NAMES = school_names(
        os.environ.get("SAFEGUARDING_SCHOOL_NAMES", ""),
        os.environ.get("SAFEGUARDING_SCHOOL_NAMES_FILE"),
    )
    # Counts from 1 to one below this show as "fewer than 5" (or 10) in the evidence area; the
    # rest round to the nearest 5 (app/evidence/disclosure.py). 5 or 10; else the app stops.
    DISCLOSURE_THRESHOLD = os.environ.get("DISCLOSURE_THRESHOLD", "5")
    BABEL_DEFAULT_LOCALE = "en"
    # Times are stored in UTC and typed in and shown in the libraries' own timezone.
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")
    # The languages offered, by their codes in app/translations/languages.toml, separated by
    # spaces or commas; unset: every shipped language.
    LANGUAGES = os.environ.get("LANGUAGES")
    MAX_CONTENT_LENGTH = 64 * 1024
    # Pages in Brotli for browsers that take it (all current ones), gzip for the rest.
    # Static files never reach Flask: app/assets.py compresses them once, in advance.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Argon2id at OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane. Tests choose less.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1
    # How many proxies in front of the app add X-Forwarded-For and X-Forwarded-Proto (nginx in
    # deploy/serve.sh: 1). With 0 the headers are ignored, as anyone could send them.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Rate limits (app/limits.py). Counts are kept in Redis when REDIS_URL is set, so every
    # worker and host shares them; else in each process's memory.
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "limits")
    # The figures are for the hardest ordinary case: a class of 30 behind one school address,
    # each joining, signing in (with typos), proposing 1 or 2 ideas and voting 3 to 5 times,
    # taking votes back, within a few minutes: about 15 writes each, 450 in all.
    # Wrong passwords for one name: enough for typos and a half-remembered password; a guesser
    # gets 40 tries an hour at most, and the one who owns the name waits 15 minutes at worst.
    RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT = os.environ.get(
        "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT", "10 per 15 minutes"
    )
    # Wrong passwords from one address, for any names: a class of 30 with 5 typos each.
    RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS = os.environ.get(
        "RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS", "150 per 15 minutes"
    )
    # Wrong password reset codes (app/auth/resets.py), or forms sent back, for one name: enough
    # for a mistyped code or two; a guesser of an 8-character code (40 bits) gets nowhere.
    RATELIMIT_RESET_FAILURES_PER_ACCOUNT = os.environ.get(
        "RATELIMIT_RESET_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
    )
    # The same from one address, for any names: a few young people at a library's desk.
    RATELIMIT_RESET_FAILURES_PER_ADDRESS = os.environ.get(
        "RATELIMIT_RESET_FAILURES_PER_ADDRESS", "30 per 15 minutes"
    )
    # Accounts made from one address: three classes joining in the same hour. Refused tries
    # (a name taken, a weak password) are common for children and count only as writes.
    RATELIMIT_JOINS_PER_ADDRESS = os.environ.get("RATELIMIT_JOINS_PER_ADDRESS", "100 per hour")
    # Ideas sent by one person, refused forms included: 1 or 2 ideas with a few corrections
    # is usual; 20 stops anyone flooding the moderation queue.
    RATELIMIT_PROPOSALS_PER_PERSON = os.environ.get("RATELIMIT_PROPOSALS_PER_PERSON", "20 per hour")
    # Ideas sent from one address: a class of 30 with 2 ideas each, sent up to 5 times.
    RATELIMIT_PROPOSALS_PER_ADDRESS = os.environ.get(
        "RATELIMIT_PROPOSALS_PER_ADDRESS", "300 per hour"
    )
    # Votes cast and taken back by one person: a budget of 5 changed a few times is under 15.
    RATELIMIT_VOTES_PER_PERSON = os.environ.get("RATELIMIT_VOTES_PER_PERSON", "30 per minute")
    # Ideas reported by one person, refused forms included: a few in a lesson is a lot; hiding
    # an idea takes reports from different people anyway, so this only stops a flood for staff.
    RATELIMIT_REPORTS_PER_PERSON = os.environ.get("RATELIMIT_REPORTS_PER_PERSON", "20 per hour")
    # Every write (any POST) by one signed-in person: one a second is more than anyone taps,
    # staff working through a moderation queue included.
    RATELIMIT_WRITES_PER_PERSON = os.environ.get("RATELIMIT_WRITES_PER_PERSON", "60 per minute")
    # Every write from one address, signed in or not: twice a busy class's 450.
    RATELIMIT_WRITES_PER_ADDRESS = os.environ.get(
        "RATELIMIT_WRITES_PER_ADDRESS", "1000 per 10 minutes"
    )

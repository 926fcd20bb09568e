"""Settings read from the environment, with safe embedded defaults."""

import os


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    # Times are stored in UTC and typed in and shown in the libraries' own timezone.
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")
    LANGUAGES = {"en": "English"}
    MAX_CONTENT_LENGTH = 64 * 1024
    # Pages in Brotli for browsers that take it (all current ones), gzip for the rest.
    # Static files never reach Flask: app/assets.py compresses them once, in advance.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Argon2id at OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane. Tests choose less.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

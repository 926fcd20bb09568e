"""Live pages: a broker for change events, and server-sent event streams the pages listen to."""

from flask import Flask
from flask_login import user_logged_in

from app.live.broker import make_broker
from app.live.streams import new_session_id


def init_live(app: Flask) -> None:
    """Give the app its broker: Redis pub/sub when REDIS_URL is set, else in-process."""
    app.extensions["live"] = make_broker(
        app.config.get("REDIS_URL"),
        app.config["LIVE_COALESCE_SECONDS"],
        app.config["LIVE_REDIS_PREFIX"],
    )
    user_logged_in.connect(_new_live_session, app)


def _new_live_session(_app, **_extra) -> None:
    """Each sign-in gets an id of its own, on which its streams hear that it signed out."""
    new_session_id()

"""Mints signed session cookies offline with the app's own code, as a signed-in browser holds."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import flask
from flask import Flask
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import insert

from bench import BENCH_SECRET


@dataclass(frozen=True)
class Session:
    """One person's cookie and the CSRF token that goes with it."""

    user_id: int | None
    cookie: str
    csrf: str


def bench_app(url: str) -> Flask:
    """The app against the bench database, with the secret gunicorn is given too."""
    from app import create_app
    from app.config import database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": BENCH_SECRET})


def _mint_one(app: Flask, user_id: int | None, token: str | None) -> Session:
    """Sign one person in (or nobody) inside a fake request, then serialise the session."""
    from app.auth.sessions import TOKEN_KEY
    from app.models import User

    # Flask-Login binds the session to a hash of address and User-Agent; wrk connects from
    # 127.0.0.1 and sends no User-Agent, so the fake request has none either.
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        if user_id is not None:
            flask.session[TOKEN_KEY] = token
            login_user(User(id=user_id, active=True))
        csrf = generate_csrf()
        value = app.session_interface.get_signing_serializer(app).dumps(dict(flask.session))
    return Session(user_id, f"{app.config['SESSION_COOKIE_NAME']}={value}", csrf)


def mint(app: Flask, user_ids: Iterable[int]) -> list[Session]:
    """Signed-in sessions for these people, in order, each with its sign-in row stored."""
    from app.auth.sessions import hash_token
    from app.extensions import db
    from app.models import SignIn, utcnow

    tokens = [(user_id, secrets.token_urlsafe(32)) for user_id in user_ids]
    now = utcnow()
    with app.app_context():
        db.session.execute(
            insert(SignIn),
            [
                {
                    "user_id": user_id,
                    "token_hash": hash_token(token),
                    "device": "bench",
                    "created_at": now,
                    "last_seen_at": now,
                }
                for user_id, token in tokens
            ],
        )
        db.session.commit()
    return [_mint_one(app, user_id, token) for user_id, token in tokens]


def mint_anonymous(app: Flask, count: int) -> list[Session]:
    """Sessions holding only a CSRF token, as a browser has after loading the sign-in page."""
    return [_mint_one(app, None, None) for _ in range(count)]

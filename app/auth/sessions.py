"""Sign-ins that end on the server: one row per signed-in device, deleted to sign it out.

Flask keeps its session in a signed cookie, so the server alone cannot end it: a copy of the
cookie kept after signing out would go on working until it expired. Each sign-in therefore
also makes a row in `sign_ins`, and the cookie carries that row's random token. A person is
signed in only while their row exists, so deleting rows ends sessions: signing out, signing
out other devices, a lock, a change of role or password, and deleting the account.

Only a hash of the token is stored, so a copy of the database signs no one in. A library that
keeps whole sessions on the server (in the database or Redis) would end sessions as well, but
could not list a person's devices for them to see and sign out; a version number per person
could not end one device and keep the others. A row per device does both, and costs nothing
per request: the query that loads the signed-in person reads it too.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, delete, select

from app.extensions import db
from app.i18n import _l
from app.languages import chosen_language
from app.live import events as live
from app.models import SignIn, User, utcnow
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

# Where the session cookie keeps this device's token.
TOKEN_KEY = "sign_in"
# last_seen_at is noted at most this often, so a busy session does not write on every request.
TOUCH_EVERY = timedelta(minutes=5)

# A rough name for a device, from its User-Agent: the first pattern that matches wins, so
# browsers that also call themselves Chrome or Safari come before those two.
BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
SYSTEMS = (
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone|iPod"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Macintosh|Mac OS X"), "Mac"),
    (re.compile(r"Linux"), "Linux"),
)


def _first_match(patterns, user_agent: str) -> str | None:
    """The name of the first pattern found in `user_agent`."""
    return next((name for pattern, name in patterns if pattern.search(user_agent)), None)


def device_label(user_agent: str) -> str:
    """A coarse name such as "Firefox on Android"; the User-Agent itself is never kept."""
    browser = _first_match(BROWSERS, user_agent)
    system = _first_match(SYSTEMS, user_agent)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or ""


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit(now: datetime) -> datetime:
    """Sign-ins last seen before this have lapsed."""
    return now - timedelta(days=current_app.config["SIGN_IN_IDLE_DAYS"])


def start_sign_in(user: User) -> SignIn:
    """Sign `user` in on this device: a row for it, its token in the session cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    sign_in = SignIn(
        user_id=user.id,
        token_hash=hash_token(token),
        device=device_label(request.user_agent.string),
        created_at=now,
        last_seen_at=now,
    )
    user.last_seen_at = now
    # The language chosen on this device becomes the account's, for the next device too.
    if chosen := chosen_language():
        user.language = chosen
    db.session.add(sign_in)
    db.session.commit()
    session[TOKEN_KEY] = token
    login_user(user)
    g.sign_in = sign_in
    return sign_in


# Every signed-in request asks this, so the statement is built once.
_SIGNED_IN = (
    select(User, SignIn)
    .join(SignIn, SignIn.user_id == User.id)
    .where(
        SignIn.token_hash == bindparam("token_hash"),
        User.id == bindparam("user_id"),
        User.active.is_(True),
        SignIn.last_seen_at > bindparam("idle"),
    )
)


def load_signed_in_user(user_id: str) -> User | None:
    """The person this session's cookie signs in, if its sign-in still stands (one query).

    A cookie without a token (from before sign-ins were kept), with a token whose row was
    deleted, or idle too long, or of a locked account, signs no one in.
    """
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not user_id.isdigit():
        return None
    now = utcnow()
    row = db.session.execute(
        _SIGNED_IN,
        {"token_hash": hash_token(token), "user_id": int(user_id), "idle": _idle_limit(now)},
    ).first()
    if row is None:
        return None
    user, sign_in = row
    if now - sign_in.last_seen_at >= TOUCH_EVERY:
        sign_in.last_seen_at = user.last_seen_at = now
        db.session.commit()
    g.sign_in = sign_in
    return user


def current_sign_in() -> SignIn | None:
    """This device's sign-in, if the person is signed in."""
    if not current_user.is_authenticated:
        return None
    return g.get("sign_in")


def end_this_sign_in() -> None:
    """End this device's sign-in (signing out); its streams stop with it."""
    sign_in = current_sign_in()
    if sign_in is not None:
        db.session.execute(delete(SignIn).where(SignIn.id == sign_in.id))
        db.session.commit()
    if "live" in session:
        live.session_ended(session.pop("live"))
    session.pop(TOKEN_KEY, None)
    g.pop("sign_in", None)
    logout_user()


def end_sign_ins(user: User, keep_current: bool = False) -> int:
    """End all of `user`'s sign-ins (or all but this device's); how many were ended.

    Part of the caller's transaction: they end when it commits, and a change that is rolled
    back ends none. The person's open streams end too, and reconnect only where still signed in.
    """
    statement = delete(SignIn).where(SignIn.user_id == user.id)
    current = current_sign_in() if keep_current else None
    if current is not None:
        statement = statement.where(SignIn.id != current.id)
    ended = db.session.execute(statement).rowcount
    live.access_changed(user.id)
    return ended


def sign_out_other_devices(user: User) -> int:
    """Sign `user` out everywhere but this device; how many devices were signed out."""
    ended = end_sign_ins(user, keep_current=True)
    db.session.commit()
    return ended


def sign_out_device(user: User, sign_in_id: int) -> SignIn | None:
    """Sign one of `user`'s other devices out; None if they have no such sign-in.

    This device is signed out with "Sign out" instead, which also ends its session here.
    """
    sign_in = db.session.execute(
        select(SignIn).where(SignIn.id == sign_in_id, SignIn.user_id == user.id)
    ).scalar_one_or_none()
    if sign_in is None:
        return None
    current = current_sign_in()
    if current is not None and current.id == sign_in.id:
        raise RuleError(_l("To sign out of this device, use “Sign out” at the top of the page."))
    db.session.delete(sign_in)
    live.access_changed(user.id)
    db.session.commit()
    return sign_in


def sign_ins_page(user: User, cursor: Cursor | None = None) -> Page[SignIn]:
    """A page of the devices `user` is signed in on, most recent sign-in first."""
    return paginate(
        select(SignIn).where(SignIn.user_id == user.id), [SignIn.id], cursor, descending=True
    )


def purge_idle_sign_ins(now: datetime | None = None) -> int:
    """Delete sign-ins idle longer than SIGN_IN_IDLE_DAYS (they no longer sign anyone in)."""
    purged = db.session.execute(
        delete(SignIn).where(SignIn.last_seen_at <= _idle_limit(now or utcnow()))
    ).rowcount
    db.session.commit()
    return purged

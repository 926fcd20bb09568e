"""Sessions that really end: sign-out, locks, role changes and idleness end them on the server,
and a person sees their signed-in devices and signs the others out."""

import hashlib
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from app.admin.services import set_role
from app.auth import sessions
from app.extensions import db
from app.live import events as live
from app.models import Role, SignIn, User, Vote, utcnow
from tests.conftest import PASSWORD, csrf_token

PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"  # Firefox on Android
LIBRARY_PC = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


class Device:
    """One browser, whose every request runs in an application context of its own, as in
    production (so nothing one request loaded is reused by the next)."""

    def __init__(self, app, user_agent: str = PHONE):
        self.app = app
        self.client = app.test_client()
        self.client.environ_base["HTTP_USER_AGENT"] = user_agent

    def get(self, path: str, **options):
        """A GET from this browser."""
        with self.app.app_context():
            return self.client.get(path, **options)

    def post(self, path: str, data: dict | None = None, **options):
        """A form sent from this browser, with the CSRF token its pages carry."""
        with self.app.app_context():
            token = csrf_token(self.client)
            return self.client.post(path, data={"csrf_token": token, **(data or {})}, **options)

    def sign_in(self, user: User) -> "Device":
        """Sign in through the form."""
        response = self.post("/sign-in", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 303
        return self

    def cookie(self) -> str:
        """The session cookie, as someone copying it would take it."""
        return self.client.get_cookie("session").value

    def signed_in(self) -> bool:
        """True if this browser may read a page only signed-in people see."""
        response = self.get("/account/devices")
        assert response.status_code in (200, 302)
        return response.status_code == 200


def copy_of(app, device: Device) -> Device:
    """Another browser holding a copy of `device`'s session cookie (a stolen cookie)."""
    thief = Device(app, user_agent=LIBRARY_PC)
    thief.client.set_cookie("session", device.cookie())
    return thief


def sign_ins_of(user: User) -> list[SignIn]:
    """The rows of `user`'s sign-ins, as the database holds them now."""
    db.session.expire_all()
    return list(db.session.execute(select(SignIn).where(SignIn.user_id == user.id)).scalars())


# --- Signing out ends the session everywhere the cookie went -----------------------------------


def test_a_copied_cookie_reads_nothing_and_cannot_vote_after_sign_out(app, make):
    """Signing out ends the session on the server, so a copy of its cookie is worth nothing."""
    idea = make.idea()
    phone = Device(app).sign_in(make.user())
    thief = copy_of(app, phone)
    assert "My ideas" in thief.get("/").get_data(as_text=True)  # the copy works until then

    assert phone.post("/sign-out").status_code == 303

    assert "My ideas" not in thief.get("/").get_data(as_text=True)
    assert thief.get("/my-ideas").status_code == 302
    assert thief.post(f"/ideas/{idea.id}/vote", {"next": "/"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_an_old_cookie_without_a_sign_in_token_counts_as_signed_out(app, make):
    """A cookie from before sign-ins were kept names a person but no sign-in: signed out."""
    user = make.user()
    old = Device(app)
    with old.client.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)
        cookie["_fresh"] = True
    response = old.get("/my-ideas")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_remember_me_cookie_signs_no_one_in(app, make):
    """Signing in never sets one, and a valid one made with the secret key is not enough."""
    user = make.user()
    phone = Device(app)
    with app.app_context():
        token = csrf_token(phone.client)
        response = phone.client.post(
            "/sign-in", data={"csrf_token": token, "username": user.username, "password": PASSWORD}
        )
    assert not any("remember_token" in header for header in response.headers.getlist("Set-Cookie"))
    forger = Device(app)
    with app.test_request_context():
        forger.client.set_cookie("remember_token", encode_cookie(str(user.id)))
    assert not forger.signed_in()


# --- Locks and role changes end sessions --------------------------------------------------------


def test_unlocking_an_account_does_not_revive_its_old_session(app, make):
    """A lock ends every sign-in; after an unlock the person signs in again, afresh."""
    admin, user = make.user(Role.ADMIN), make.user()
    phone = Device(app).sign_in(user)
    set_role(user, admin, Role.YOUNG_PERSON, active=False)
    set_role(user, admin, Role.YOUNG_PERSON, active=True)
    assert not phone.signed_in()
    assert sign_ins_of(user) == []
    assert Device(app).sign_in(user).signed_in()


def test_a_change_of_role_signs_the_person_out_on_every_device(app, make):
    """A new role (here staff made admin) applies from a fresh sign-in, on every device."""
    library_service = make.library_service()
    admin, staff = make.user(Role.ADMIN), make.staff(library_service)
    desk, tablet = Device(app, LIBRARY_PC).sign_in(staff), Device(app).sign_in(staff)
    assert desk.get("/staff/").status_code == 200
    set_role(staff, admin, Role.ADMIN, active=True)
    assert desk.get("/staff/").status_code == 302
    assert not tablet.signed_in()


def test_saving_an_unchanged_role_keeps_the_person_signed_in(app, make):
    """Only a real change of role or lock signs someone out."""
    admin, user = make.user(Role.ADMIN), make.user()
    phone = Device(app).sign_in(user)
    set_role(user, admin, Role.YOUNG_PERSON, active=True)
    assert phone.signed_in()


def test_ending_sign_ins_ends_the_persons_open_streams(app, make):
    """Their pages' streams close, and reconnect only where the person is still signed in."""
    user = make.user()
    Device(app).sign_in(user)
    inbox = app.extensions["live"].subscribe([live.person_channel(user.id)])
    assert sessions.end_sign_ins(user) == 1
    db.session.commit()
    assert inbox.get(timeout=2) == [{"kind": "end"}]


def test_sign_ins_ended_in_a_rolled_back_change_still_stand(app, make):
    """end_sign_ins is part of its caller's transaction: a change rolled back ends nothing."""
    user = make.user()
    phone = Device(app).sign_in(user)
    sessions.end_sign_ins(user)
    db.session.rollback()
    assert phone.signed_in()


# --- Signed-in devices --------------------------------------------------------------------------


def test_the_devices_page_lists_each_sign_in_and_marks_this_one(app, make):
    """Each device by its rough name, with when it signed in; this one has no sign-out button."""
    user = make.user()
    phone = Device(app).sign_in(user)
    Device(app, LIBRARY_PC).sign_in(user)
    html = phone.get("/account/devices").get_data(as_text=True)
    assert "Firefox on Android" in html
    assert "Chrome on Windows" in html
    assert html.count("This device") == 1
    assert html.count(">Sign out this device<span") == 1
    desk_row = next(s for s in sign_ins_of(user) if s.device == "Chrome on Windows")
    assert f"/account/devices/{desk_row.id}/sign-out" in html
    assert (
        '<span class="visually-hidden" hx-disable> (Sign out Chrome on Windows, signed in' in html
    )


def test_signing_out_other_devices_ends_theirs_and_keeps_this_one(app, make):
    """A lost phone, a library PC left signed in: one button ends them all but this one."""
    user = make.user()
    phone, desk, tablet = Device(app).sign_in(user), Device(app).sign_in(user), Device(app)
    tablet.sign_in(user)
    response = phone.post("/account/devices/sign-out-others")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/devices"
    assert "Signed out of 2 other devices." in phone.get("/account/devices").get_data(as_text=True)
    assert not desk.signed_in()
    assert not tablet.signed_in()


def test_signing_out_other_devices_with_htmx_swaps_the_list_and_announces_it(app, make):
    """htmx gets the list of devices back, with a message for the live region."""
    user = make.user()
    phone, desk = Device(app).sign_in(user), Device(app, LIBRARY_PC).sign_in(user)
    response = phone.post("/account/devices/sign-out-others", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div id="devices-panel"' in html
    assert "Signed out of 1 other device." in html
    assert "Chrome on Windows" not in html
    assert not desk.signed_in()


def test_signing_out_one_device_by_its_id_leaves_the_others(app, make):
    """The button beside a device ends that device's sign-in only."""
    user = make.user()
    phone, desk = Device(app).sign_in(user), Device(app, LIBRARY_PC).sign_in(user)
    tablet = Device(app).sign_in(user)
    desk_row = next(s for s in sign_ins_of(user) if s.device == "Chrome on Windows")
    response = phone.post(f"/account/devices/{desk_row.id}/sign-out")
    assert response.status_code == 303
    page = phone.get("/account/devices").get_data(as_text=True)
    assert "Signed out of Chrome on Windows." in page
    assert not desk.signed_in()
    assert tablet.signed_in()


def test_this_device_is_signed_out_with_sign_out_not_from_the_list(app, make):
    """Sending the list's button for this device is refused kindly; nothing ends."""
    user = make.user()
    phone = Device(app).sign_in(user)
    (row,) = sign_ins_of(user)
    assert phone.post(f"/account/devices/{row.id}/sign-out").status_code == 303
    page = phone.get("/account/devices")
    assert page.status_code == 200
    assert "use “Sign out”" in page.get_data(as_text=True)


def test_someone_elses_sign_in_is_not_found(app, make):
    """Another person's sign-in id is a 404, and their device stays signed in."""
    owner, other = make.user(), make.user()
    owners_phone = Device(app).sign_in(owner)
    (row,) = sign_ins_of(owner)
    assert Device(app).sign_in(other).post(f"/account/devices/{row.id}/sign-out").status_code == 404
    assert owners_phone.signed_in()


@pytest.mark.parametrize(
    "path", ["/account/devices/sign-out-others", "/account/devices/1/sign-out"]
)
def test_device_sign_outs_need_a_csrf_token(app, make, path):
    """A form from another site cannot sign anyone out."""
    phone = Device(app).sign_in(make.user())
    with app.app_context():
        assert phone.client.post(path).status_code == 400
    assert phone.signed_in()


def test_the_devices_list_costs_the_same_queries_at_5_and_at_50_sign_ins(app, make, count_queries):
    """One page at a time: 45 more sign-ins add no query."""
    user = make.user()
    phone = Device(app).sign_in(user)

    def measure() -> tuple[int, str]:
        with count_queries() as counted:
            response = phone.client.get("/account/devices")
        assert response.status_code == 200
        return len(counted), response.get_data(as_text=True)

    def sign_in_elsewhere(count: int) -> None:
        db.session.add_all(
            SignIn(
                user_id=user.id, token_hash=hashlib.sha256(b"%d" % i).hexdigest(), device="Safari"
            )
            for i in range(len(sign_ins_of(user)), len(sign_ins_of(user)) + count)
        )
        db.session.commit()

    sign_in_elsewhere(4)
    at_5, page_at_5 = measure()
    sign_in_elsewhere(45)
    at_50, page_at_50 = measure()
    assert at_50 == at_5
    assert "Show more devices" not in page_at_5
    assert "Show more devices" in page_at_50


# --- Idle sign-ins, and what is stored ----------------------------------------------------------


def test_an_idle_sign_in_is_refused_and_purged(app, make):
    """Unused for longer than SIGN_IN_IDLE_DAYS, a sign-in no longer counts and is deleted."""
    user = make.user()
    idle, active = Device(app).sign_in(user), Device(app, LIBRARY_PC).sign_in(user)
    old, recent = sorted(sign_ins_of(user), key=lambda s: s.id)
    old.last_seen_at = utcnow() - timedelta(days=app.config["SIGN_IN_IDLE_DAYS"], minutes=1)
    recent.last_seen_at = utcnow() - timedelta(days=app.config["SIGN_IN_IDLE_DAYS"] - 1)
    db.session.commit()
    assert not idle.signed_in()
    assert active.signed_in()
    assert sessions.purge_idle_sign_ins() == 1
    assert [s.id for s in sign_ins_of(user)] == [recent.id]


def test_a_signed_in_request_notes_when_it_was_seen_at_most_every_five_minutes(app, make):
    """Retention needs to know an account is used, without a write on every request."""
    user = make.user()
    phone = Device(app).sign_in(user)
    (row,) = sign_ins_of(user)
    seen = utcnow() - timedelta(minutes=4)
    row.last_seen_at = user.last_seen_at = seen
    db.session.commit()
    phone.get("/")
    (row,) = sign_ins_of(user)
    assert row.last_seen_at == seen
    seen = utcnow() - timedelta(minutes=6)
    row.last_seen_at = user.last_seen_at = seen
    db.session.commit()
    phone.get("/")
    (row,) = sign_ins_of(user)
    assert row.last_seen_at > seen + timedelta(minutes=5)
    assert db.session.get(User, user.id).last_seen_at == row.last_seen_at


def test_only_a_hash_of_the_sign_in_token_is_stored(app, make):
    """The cookie's token is stored as its SHA-256, so a copy of the database signs no one in."""
    user = make.user()
    phone = Device(app).sign_in(user)
    token = app.session_interface.get_signing_serializer(app).loads(phone.cookie())[
        sessions.TOKEN_KEY
    ]
    (row,) = sign_ins_of(user)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.device)
    assert row.device == "Firefox on Android"  # a rough name, never the User-Agent itself


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (PHONE, "Firefox on Android"),
        (LIBRARY_PC, "Chrome on Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        ("curl/8.5.0", ""),
    ],
)
def test_a_device_is_named_roughly_from_its_browser(user_agent, label):
    """The browser and system only: enough to recognise a device, too little to track one."""
    assert sessions.device_label(user_agent) == label

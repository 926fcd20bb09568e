"""Rate limits: guessing and flooding are stopped, and a class behind one address is not."""

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import redis
from flask import request
from limits import parse

from app import create_app
from app.extensions import db
from app.ideas.services import approve_idea
from app.models import Idea, Phase, User
from tests.conftest import PASSWORD, csrf_token

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
WRONG = "not-my-password"


@pytest.fixture
def app_settings() -> dict:
    """Limits on, with the production figures, counted in this process's memory."""
    return {"RATELIMIT_ENABLED": True}


def allowed(app, setting: str) -> int:
    """How many requests the limit in `setting` lets through in its window."""
    return parse(app.config[setting]).amount


def sign_in(client, token: str, username: str, password: str, **headers):
    """Send the sign-in form."""
    data = {"csrf_token": token, "username": username, "password": password}
    return client.post("/sign-in", data=data, headers=headers)


def signed_in(client) -> bool:
    """Whether the client's session belongs to someone (the page offers to sign out)."""
    return "Sign out (" in client.get("/outcomes").get_data(as_text=True)


# --- Sign-in --------------------------------------------------------------------------------------


def test_wrong_passwords_for_one_name_are_refused_long_before_200(app, client, make):
    """Failures for one account, in any letter case, count; then the right password waits too."""
    make.user(username="River")
    token = csrf_token(client)
    statuses = [sign_in(client, token, "river", WRONG).status_code for _ in range(200)]
    figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")
    assert figure < 20
    assert statuses[:figure] == [400] * figure
    assert set(statuses[figure:]) == {429}
    right = sign_in(client, token, " RIVER ", PASSWORD)
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    assert "nothing was changed" in right.get_data(as_text=True)
    assert not signed_in(client)


def test_a_right_password_does_not_count_against_the_account(app, client, make):
    """Only failures count: someone who signs in and out all day is never held up."""
    pupil = make.user()
    figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")
    for _ in range(figure + 2):
        assert sign_in(client, csrf_token(client), pupil.username, PASSWORD).status_code == 303
        assert client.post("/sign-out", data={"csrf_token": csrf_token(client)}).status_code == 303


def test_wrong_passwords_spread_over_many_names_from_one_address_are_limited(app, client):
    """Trying one password on many names from one address is stopped too."""
    token = csrf_token(client)
    statuses = [sign_in(client, token, f"name{n}", WRONG).status_code for n in range(200)]
    figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS")
    assert figure < 200
    assert statuses[:figure] == [400] * figure
    assert set(statuses[figure:]) == {429}


# --- A class of 30 behind one school address ------------------------------------------------------


class Pupil:
    """One pupil's own browser: each request in an application context of its own."""

    def __init__(self, app, username: str):
        self.client = app.test_client()
        self.username = username
        self.password = f"lantern-otter-meadow-{username}"
        self.token = ""

    def fresh_token(self) -> None:
        """Read the CSRF token the page now holds (signing in or out may change it)."""
        with self.client.application.app_context():
            self.token = csrf_token(self.client)

    def post(self, path: str, **data) -> int:
        """Send a form; its status."""
        with self.client.application.app_context():
            return self.client.post(path, data={"csrf_token": self.token, **data}).status_code

    def lesson_start(self, consultation) -> list[int]:
        """Join, sign out, sign in after a typo, propose two ideas."""
        self.fresh_token()
        password = {"password": self.password, "confirm": self.password, "age_band": "11-13"}
        statuses = [self.post("/join", username=self.username, **password)]
        self.fresh_token()
        statuses.append(self.post("/sign-out"))
        self.fresh_token()
        statuses.append(self.post("/sign-in", username=self.username, password=WRONG))
        statuses.append(self.post("/sign-in", username=self.username, password=self.password))
        self.fresh_token()
        for title in ("A games night", "Comfier chairs"):
            path = f"/consultations/{consultation.id}/propose"
            statuses.append(self.post(path, title=title, description="Please, soon."))
        return statuses


def test_a_class_of_30_behind_one_address_can_join_sign_in_propose_and_vote(app, make):
    """Everything a lesson asks of 30 pupils on one address, typos included, gets no 429."""
    consultation = make.consultation(vote_budget=5)
    staff = make.staff(consultation.library_service)
    pupils = [Pupil(app, f"pupil{n:02d}") for n in range(30)]
    statuses = [status for pupil in pupils for status in pupil.lesson_start(consultation)]
    assert 429 not in statuses
    assert statuses.count(303) == 30 * 5 and statuses.count(400) == 30

    for idea in db.session.scalars(db.select(Idea)):
        approve_idea(idea, staff)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    ideas = db.session.scalars(db.select(Idea).order_by(Idea.id)).all()
    for n, pupil in enumerate(pupils):
        # Five votes on others' ideas, then one taken back and given to another idea.
        chosen = [ideas[(2 * n + 2 + k) % len(ideas)] for k in range(6)]
        actions = [("vote", idea) for idea in chosen[:5]]
        actions += [("unvote", chosen[0]), ("vote", chosen[5])]
        statuses += [pupil.post(f"/ideas/{idea.id}/{action}") for action, idea in actions]
    assert 429 not in statuses
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 31
    db.session.expire_all()
    assert sum(idea.vote_count for idea in ideas) == 30 * 5


# --- What a limited person sees -------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "RATELIMIT_VOTES_PER_PERSON": "2 per minute"}]
)
def test_a_limited_htmx_vote_gets_the_message_in_the_status_region_and_changes_nothing(
    app, client, make, login
):
    """htmx takes a 429's message into the one status region; the vote is not counted."""
    idea = make.idea()
    login(make.user())
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}
    assert client.post(f"/ideas/{idea.id}/vote", headers=htmx).status_code == 200
    assert client.post(f"/ideas/{idea.id}/unvote", headers=htmx).status_code == 200
    refused = client.post(f"/ideas/{idea.id}/vote", headers=htmx)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["HX-Reswap"] == "none"
    html = refused.get_data(as_text=True)
    assert re.fullmatch(
        r'<div id="status" class="status" role="status" hx-swap-oob="innerHTML">'
        r"<p>[^<]*nothing was changed[^<]*wait a moment[^<]*</p></div>\s*",
        html,
    )
    db.session.refresh(idea)
    assert idea.vote_count == 0
    # The page tells htmx to take a 429 (and nothing else of its kind) before failing the rest.
    config = client.get("/outcomes").get_data(as_text=True)
    assert config.index('{"code": "429", "swap": true}') < config.index('{"code": "[45]..",')


@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "RATELIMIT_WRITES_PER_ADDRESS": "1 per hour"}]
)
def test_every_write_route_is_limited_and_reads_and_signing_out_never_are(app, client, make, login):
    """Every route taking a POST, today's and any added later, shares the limit on writes."""
    login(make.user())  # the one write the hour allows
    token = csrf_token(client)
    writes = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "auth.sign_out"
    ]
    assert len(writes) > 20
    for rule in writes:
        path = rule.build({name: 1 for name in rule.arguments})[1]
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 429, rule.endpoint
    for _ in range(30):
        assert client.get("/outcomes").status_code == 200
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert not signed_in(client)


# --- Where counts are kept ------------------------------------------------------------------------


@pytest.fixture
def second_worker(app):
    """A client of another app with the same settings, as a second worker or host would be."""
    other = create_app(dict(app.config))
    yield other.test_client()
    with other.app_context():
        db.engine.dispose()


def fail_in_turns(clients, times: int) -> list[int]:
    """Wrong passwords for one name, sent through each client in turn."""
    tokens = [csrf_token(client) for client in clients]
    return [
        sign_in(clients[n % len(clients)], tokens[n % len(clients)], "river", WRONG).status_code
        for n in range(times)
    ]


@pytest.mark.committing
@needs_redis
@pytest.mark.parametrize(
    "app_settings",
    [
        {
            "RATELIMIT_ENABLED": True,
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "LIVE_REDIS_PREFIX": f"test-{uuid.uuid4().hex}:",
        }
    ],
)
def test_with_redis_the_counts_are_shared_by_every_worker(app, client, second_worker):
    """Failures through two app instances add up in Redis, where the counts are kept."""
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    store = redis.Redis.from_url(REDIS_URL)
    try:
        figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")
        statuses = fail_in_turns([client, second_worker], figure + 2)
        assert statuses == [400] * figure + [429, 429]
        assert store.keys(f"*{prefix}*")
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


def redis_settings(**figures) -> dict:
    """Limits on, counted in the test Redis under keys of this test's own."""
    return {
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LIVE_REDIS_PREFIX": f"test-{uuid.uuid4().hex}:",
        **figures,
    }


@pytest.fixture
def redis_calls(app):
    """How many times this app has asked Redis about its limits; its keys go afterwards."""
    limits = app.extensions["rate_limits"]
    script, calls = limits.redis, []

    def counted(*args, **kwargs):
        calls.append(kwargs["keys"])
        return script(*args, **kwargs)

    limits.redis = counted
    yield calls
    limits.redis = script
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{app.config['RATELIMIT_KEY_PREFIX']}*"):
        store.delete(key)


@pytest.mark.committing
@needs_redis
@pytest.mark.parametrize(
    "app_settings", [redis_settings(RATELIMIT_VOTES_PER_PERSON="2 per minute")]
)
def test_a_vote_asks_redis_once_for_all_its_limits_and_a_refusal_counts_in_none(
    app, client, make, login, redis_calls
):
    """A vote falls under three limits (votes and writes per person, writes per address):
    one round trip checks and counts all three. A refused vote is counted in none of them,
    and Retry-After is Redis's own wait for the full one."""
    idea = make.idea()
    login(make.user())
    redis_calls.clear()
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}
    assert client.post(f"/ideas/{idea.id}/vote", headers=htmx).status_code == 200
    assert len(redis_calls) == 1 and len(redis_calls[0]) == 3
    assert client.post(f"/ideas/{idea.id}/unvote", headers=htmx).status_code == 200
    refused = client.post(f"/ideas/{idea.id}/vote", headers=htmx)
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert len(redis_calls) == 3
    store = redis.Redis.from_url(REDIS_URL)
    counted = {key.split(":")[1]: store.llen(key) for key in redis_calls[0]}
    assert counted == {
        "ratelimit_votes_per_person": 2,
        "ratelimit_writes_per_person": 2,
        "ratelimit_writes_per_address": 2 + 1,  # and signing in, before there was a person
    }


@pytest.mark.committing
@needs_redis
@pytest.mark.parametrize(
    "app_settings", [redis_settings(RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT="2 per hour")]
)
def test_limits_that_count_only_some_answers_count_them_after_the_answer(
    app, client, make, redis_calls
):
    """A right password checks the limit on failures but is not counted in it; a wrong one
    is, after its answer, in a second round trip."""
    make.user(username="river")
    token = csrf_token(client)
    redis_calls.clear()
    assert sign_in(client, token, "river", WRONG).status_code == 400
    assert len(redis_calls) == 2
    assert sign_in(client, token, "river", WRONG).status_code == 400
    assert sign_in(client, token, "river", PASSWORD).status_code == 429


@pytest.mark.committing
def test_without_redis_each_worker_counts_alone(app, client, second_worker):
    """In memory, each process keeps its own counts (why production sets REDIS_URL)."""
    figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")
    statuses = fail_in_turns([client, second_worker], figure + 2)
    assert 429 not in statuses


@pytest.mark.committing
@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "REDIS_URL": "redis://127.0.0.1:1/0"}]
)
def test_with_redis_down_each_worker_lets_the_whole_figure_through_by_itself(
    app, client, second_worker
):
    """The figure the README gives: while Redis is down, N workers let N times the limit by."""
    figure = allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")
    statuses = fail_in_turns([client, second_worker], 2 * figure + 2)
    assert statuses == [400] * (2 * figure) + [429, 429]


# --- Addresses behind a proxy ---------------------------------------------------------------------

FEW_FAILURES = {"RATELIMIT_ENABLED": True, "RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS": "3 per hour"}


def fail_from(client, forwarded_for: list[str]) -> list[int]:
    """A wrong password for a different name from each forwarded address."""
    token = csrf_token(client)
    return [
        sign_in(client, token, f"name{n}", WRONG, **{"X-Forwarded-For": address}).status_code
        for n, address in enumerate(forwarded_for)
    ]


@pytest.mark.parametrize("app_settings", [FEW_FAILURES])
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client):
    """Anyone can send the header, so by default the connection's own address is counted."""
    assert fail_from(client, [f"203.0.113.{n}" for n in range(4)]) == [400, 400, 400, 429]


@pytest.mark.parametrize("app_settings", [{**FEW_FAILURES, "PROXY_COUNT": 1}])
def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client):
    """Each address the proxy reports counts apart; what a client adds in front is ignored."""
    assert fail_from(client, [f"203.0.113.{n}" for n in range(4)]) == [400] * 4
    spoofed = [f"198.51.100.{n}, 203.0.113.9" for n in range(4)]
    assert fail_from(client, spoofed) == [400, 400, 400, 429]


SERVE = Path(__file__).resolve().parent.parent / "deploy" / "serve.sh"
# Stands in for gunicorn and nginx: notes the settings it was started with, and stops a moment
# later (`make serve` stops all three as soon as one stops, and the others must have started).
STAND_IN = """#!/bin/sh
echo "$(basename "$0") PROXY_COUNT=$PROXY_COUNT BIND=$BIND LIVE_BIND=$LIVE_BIND" >> "$NOTES"
sleep 1
"""


@pytest.mark.parametrize("outside", [{}, {"PROXY_COUNT": "2", "BIND": "0.0.0.0:8000"}])
def test_make_serve_trusts_exactly_its_own_nginx_and_listens_only_on_this_machine(
    tmp_path, outside
):
    """Whatever the environment says: one proxy trusted, the gunicorns on loopback only."""
    (tmp_path / "deploy").mkdir()
    shutil.copy(SERVE, tmp_path / "deploy" / "serve.sh")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    for stand_in in (tmp_path / ".venv" / "bin" / "gunicorn", tmp_path / "nginx"):
        stand_in.write_text(STAND_IN)
        stand_in.chmod(0o755)
    notes = tmp_path / "notes"
    environment = {
        "PATH": f"{tmp_path}:{os.environ['PATH']}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "NOTES": str(notes),
        "LIVE_BIND": "0.0.0.0:8001",
        **outside,
    }
    subprocess.run(["bash", str(tmp_path / "deploy" / "serve.sh")], env=environment, timeout=10)
    started = sorted(notes.read_text().splitlines())
    settings = "PROXY_COUNT=1 BIND=127.0.0.1:8000 LIVE_BIND=127.0.0.1:8001"
    assert started == [f"gunicorn {settings}", f"gunicorn {settings}", f"nginx {settings}"]


@pytest.mark.parametrize("proxies, scheme", [(0, "http"), (1, "https")])
def test_https_is_known_from_the_trusted_proxy_only(database_uri, proxies, scheme):
    """X-Forwarded-Proto tells the app it was reached over HTTPS only when the proxy is trusted."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "test", "PROXY_COUNT": proxies}
    )
    app.add_url_rule("/scheme", "scheme", lambda: request.scheme)
    response = app.test_client().get("/scheme", headers={"X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == scheme


def test_a_refusal_to_go_on_is_worded_in_the_readers_language(app, client, make):
    """The 429 page, like every page, is in the language its reader chose."""
    make.user(username="River")
    client.get("/sign-in?lang=uk")
    token = csrf_token(client)
    for _ in range(allowed(app, "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT")):
        sign_in(client, token, "river", WRONG)
    refused = sign_in(client, token, "river", PASSWORD)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert '<html lang="uk" dir="ltr">' in html
    assert "nothing was changed" not in html
    assert re.search(r"[\u0400-\u04ff]{4,}", html)

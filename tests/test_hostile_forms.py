"""Hostile input sent to every route and every form field the app has, found automatically.

Forms are found by importing every `app.*.forms` module and walking FlaskForm's subclasses;
routes come from the URL map; the names code reads straight from a request (`next`, `q`, ...)
come from the source. Each POST route gets, under every kind of person, a form in which every
field of every form holds a NUL character, a line break with a forged header, a long or
oversized value, a file, markup or an address on another site (with and without htmx); each
page gets the same values as query arguments. No answer is a 5xx, markup never comes back
unescaped, no header is forged, no redirect leaves the site, and a refusal changes nothing.
"""

import ast
import hashlib
import importlib
import io
import pkgutil
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields import FieldList, FormField
from wtforms.fields.core import UnboundField

import app as app_package
from app.codesign.services import create_partner, link_service_outcome, log_session, record_skill
from app.evidence.packs import PackRequest, publish_pack
from app.extensions import db
from app.ideas.services import change_status, propose_idea
from app.joincodes.services import create_join_code
from app.models import (
    Branch,
    CodesignVolunteer,
    IdeaStatus,
    Notice,
    Outcome,
    OutcomeLink,
    PartnerKind,
    Phase,
    QlpReview,
    Role,
    SafeguardingConcern,
    SignIn,
    StaffMembership,
    WordingSuggestion,
    utcnow,
)
from app.review.services import start_review
from tests.conftest import PASSWORD

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
# What would show that markup was sent back as markup rather than as text.
UNESCAPED = ("<script>alert(1)", "<img src=x onerror")


@dataclass(frozen=True)
class Payload:
    """One hostile value, and how it is sent."""

    name: str
    value: str
    as_file: bool = False
    in_query: bool = True  # also as the query arguments code reads (`next`, `q`, ...)
    alone: bool = False  # in one field only
    refused_first: bool = False  # refused before any route's code runs (app/web.py)


# Values that no route may store or act on; every one passes for a text field's content.
PAYLOADS = [
    # First, because it passes the central check: a role shut out of a route is seen at once.
    Payload("line break", "a\r\nSet-Cookie: x=1"),
    Payload("markup", MARKUP),
    Payload("another site", "//evil.example/"),
    Payload("NUL", "chess\x00club", refused_first=True),
    # Longer than any column, while a whole form of them stays under MAX_CONTENT_LENGTH.
    Payload("long", "l" * 1000),
    Payload("oversized", "h" * 100_000, in_query=False, alone=True, refused_first=True),
    Payload("file", MARKUP, as_file=True, in_query=False, refused_first=True),
]
# A query string has no size cap in the app (the server in front limits the request line).
QUERY_PAYLOADS = [payload for payload in PAYLOADS if payload.in_query]
ANON, YOUNG, STAFF, REVIEWER, ADMIN = "anonymous", "young person", "staff", "reviewer", "admin"
# Thousands of requests: the sweep is split into this many tests, each with every kind of route.
SHARDS = 6
CSRF_REFUSED = "This form had expired"
# Columns that record activity rather than content: a refused request may touch them.
ACTIVITY_COLUMNS = {("users", "last_seen_at"), ("sign_ins", "last_seen_at")}


def form_classes() -> list[type[FlaskForm]]:
    """Every FlaskForm subclass the app defines, after importing each area's forms module."""
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, waiting = [], list(FlaskForm.__subclasses__())
    while waiting:
        form_class = waiting.pop()
        waiting.extend(form_class.__subclasses__())
        if form_class.__module__.startswith("app.") and form_class not in found:
            found.append(form_class)
    return found


def _field_names(unbound: UnboundField, name: str) -> set[str]:
    """The request names one field reads (subforms and lists of fields opened)."""
    kind = unbound.field_class
    if issubclass(kind, FormField):
        return form_fields(unbound.args[0], f"{name}-")
    if issubclass(kind, FieldList):
        return _field_names(unbound.args[0], f"{name}-0")
    return {name}


def form_fields(form_class: type, prefix: str = "") -> set[str]:
    """The request names a form reads."""
    names = set()
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            names |= _field_names(unbound, prefix + name)
    return names


def _request_read(node: ast.AST, sources: set[str]) -> str | None:
    """The name in `request.<source>.get("name")` (or getlist), else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    reader = node.func.value
    if not (
        node.func.attr in ("get", "getlist")
        and isinstance(reader, ast.Attribute)
        and isinstance(reader.value, ast.Name)
        and reader.value.id == "request"
        and reader.attr in sources
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return None
    return node.args[0].value


def names_read_from_requests(sources: set[str]) -> set[str]:
    """Names the app's code reads straight from a request, such as `request.args.get("next")`."""
    names = set()
    for path in Path(app_package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = _request_read(node, sources)
            if name:
                names.add(name)
    return names


@cache
def table_reads(dialect) -> list[tuple[str, str]]:
    """For each table, its name and the SQL reading all of its content columns."""
    reads = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in ACTIVITY_COLUMNS]
        reads.append((table.name, str(select(*columns).compile(dialect=dialect))))
    return reads


def fingerprint() -> dict[str, str]:
    """Each table's row count and a hash of all its rows (activity columns left out).

    The statements run straight on the driver's connection the test runs on (and sees what it
    has not committed): thousands of these are taken.
    """
    prints = {}
    cursor = db.session.connection().connection.cursor()
    try:
        for name, sql in table_reads(db.engine.dialect):
            cursor.execute(sql)
            rows = sorted(repr(row) for row in cursor.fetchall())
            prints[name] = f"{len(rows)}:{hashlib.sha256(''.join(rows).encode()).hexdigest()}"
    finally:
        cursor.close()
    return prints


def build_world(make) -> tuple[dict, dict]:
    """One of everything, in one library service: (ids for URL arguments, people by role).

    The member of staff is the service's Quality Leader and the safeguarding lead; the young
    person wrote every idea and offered to co-design.
    """
    library_service = make.library_service()
    db.session.add(Branch(library_service=library_service, name="Central Library"))
    staff, other_staff = make.staff(library_service), make.staff(library_service)
    db.session.query(StaffMembership).filter_by(user_id=staff.id).update(
        {"safeguarding_lead": True}
    )
    young, reviewer, admin = make.user(), make.user(Role.QLP_REVIEWER), make.user(Role.ADMIN)
    phases = {phase: make.consultation(phase, library_service=library_service) for phase in Phase}
    voting = phases[Phase.VOTING_OPEN]
    published = make.idea(voting, author=young)
    spare = make.idea(voting, author=young)
    pending = make.idea(phases[Phase.PROPOSALS_OPEN], published=False, author=young)
    to_change = propose_idea(young, phases[Phase.PROPOSALS_OPEN], "Board games", "On Fridays.")
    change_status(to_change, staff, IdeaStatus.CHANGES_REQUESTED, "Which day suits you?")
    waiting = make.accepted_idea(voting, author=young)
    service = make.codesign_service(make.accepted_idea(voting, author=young), quality_leader=staff)
    outcomes = {o.code: o for o in db.session.query(Outcome).filter(Outcome.code.like("qlp.%"))}
    service_idea = service.ideas[0]
    idea_link = OutcomeLink(
        idea=published, outcome=outcomes["qlp.aim.c"], linked_by=staff, rationale="Youth-led."
    )
    suggested = OutcomeLink(
        idea=service_idea, outcome=outcomes["qlp.aim.b"], linked_by=staff, rationale="Skills."
    )
    offer = CodesignVolunteer(idea=service_idea, user=young)
    signed = QlpReview(
        service=service,
        reviewer=reviewer,
        period_start=date(2025, 10, 1),
        period_end=date(2025, 12, 31),
        signed_at=utcnow(),
        signed_by=reviewer,
    )
    concern = SafeguardingConcern(
        library_service=library_service, idea=published, raised_by=staff, concern="Worried."
    )
    db.session.add_all([idea_link, suggested, offer, signed, concern])
    db.session.commit()
    service_link = link_service_outcome(service, "qlp.aim.c", staff, "Youth-led.")
    partner = create_partner(staff, "Youth club", PartnerKind.VOLUNTARY.value, service=service)
    session = log_session(
        service,
        staff,
        held_on=date(2026, 1, 5),
        place="Central",
        attendance={"11-13": 3},
        partner_ids=[partner.id],
        brought_together=False,
        cohesion_note="",
        decisions="Fridays.",
    )
    record_skill(service, staff, staff.id, "Running a session", "Ran it well.", session.id)
    draft = start_review(service, reviewer, date(2026, 1, 1), date(2026, 1, 31))
    join_code = create_join_code(staff, label="Year 7", library_service_id=library_service.id)
    membership = db.session.query(StaffMembership).filter_by(user_id=other_staff.id).one()
    suggestion = WordingSuggestion(language="ar", page="/", words="Words", better="Better")
    db.session.add(suggestion)
    db.session.flush()
    with current_app.test_request_context():
        pack = publish_pack(
            staff, PackRequest(library_service, date(2026, 1, 1), date(2026, 12, 31))
        )
    ids = {
        "pack_id": pack.id,
        "token": pack.token,
        "library_service_id": library_service.id,
        "suggestion_id": suggestion.id,
        "consultation_id": voting.id,
        "ideas.propose:consultation_id": phases[Phase.PROPOSALS_OPEN].id,
        "idea_id": published.id,
        "ideas.withdraw:idea_id": spare.id,
        "ideas.edit:idea_id": to_change.id,
        "ideas.offer_to_codesign:idea_id": waiting.id,
        "ideas.set_codesign_credit:idea_id": service_idea.id,
        "ideas.withdraw_codesign_offer:idea_id": service_idea.id,
        "moderation:idea_id": pending.id,
        "moderation:link_id": idea_link.id,
        "codesign:link_id": service_link.id,
        "service_id": service.id,
        "partner_id": partner.id,
        "session_id": session.id,
        "volunteer_id": offer.id,
        "outcome_id": outcomes["qlp.aim.b"].id,
        "review_id": draft.id,
        "review.respond:review_id": signed.id,
        "rating_id": draft.ratings[0].id,
        "code": "qlp.aim.c",
        "user_id": other_staff.id,
        "membership_id": membership.id,
        "filename": "css/app.css",
        "concern_id": concern.id,
        "join_code_id": join_code.id,
        "joincodes.join:code": join_code.code,
        # The young person was told when staff published their ideas.
        "notice_id": db.session.scalars(
            select(Notice.id).where(Notice.user_id == young.id)
        ).first(),
    }
    return ids, {YOUNG: young, STAFF: staff, REVIEWER: reviewer, ADMIN: admin}


def url_values(rule, ids: dict) -> dict | None:
    """Values for a rule's arguments: for its endpoint, its blueprint, or any route; else None."""
    values = {}
    for name in rule.arguments:
        keys = (f"{rule.endpoint}:{name}", f"{rule.endpoint.split('.')[0]}:{name}", name)
        key = next((key for key in keys if key in ids), None)
        if key is None:
            return None
        values[name] = ids[key]
    return values


@dataclass
class Person:
    """A test client signed in as one person (or no one), with its CSRF token."""

    app: object
    user: object = None
    token: str = ""
    stale: bool = True  # something may have signed it out, or changed its token

    def __post_init__(self):
        self.client = self.app.test_client()

    def open(self, url: str, method: str = "GET", **options):
        """One request in an application context of its own, as in production, so nothing
        (the signed-in person, the CSRF token) carries over in `g` from another client."""
        with self.app.app_context():
            response = self.client.open(url, method=method, **options)
            if response.mimetype == "text/event-stream":
                response.close()  # a live stream renders the same partials the pages do
            else:
                response.get_data()
            return response

    def ready(self) -> "Person":
        """Read the CSRF token afresh, signing in again if an action signed this client out."""
        if not self.stale:
            return self
        html = self.open("/outcomes").get_data(as_text=True)
        if self.user is not None and 'action="/sign-out"' not in html:
            token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
            response = self.open(
                "/sign-in",
                "POST",
                data={"csrf_token": token, "username": self.user.username, "password": PASSWORD},
            )
            assert response.status_code == 303, f"{self.user.username} cannot sign in again"
            html = self.open("/outcomes").get_data(as_text=True)
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        self.stale = False
        return self


def shut_out(response) -> bool:
    """True when the person may not use the route at all: refused, or sent to sign in."""
    if response.status_code in (401, 403):
        return True
    target = response.headers.get("Location") or response.headers.get("HX-Redirect") or ""
    return urlsplit(target).path == "/sign-in"


def answer_problems(response) -> list[str]:
    """What is wrong with an answer to hostile input, whatever the route."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    for name, value in response.headers.items():
        if any(ord(character) < 32 for character in value):
            problems.append(f"a control character in the {name} header")
        if name.lower() == "set-cookie" and value.startswith("x="):
            problems.append("a forged Set-Cookie header")
    for name in ("Location", "HX-Redirect"):
        target = urlsplit(response.headers.get(name, ""))
        if target.scheme not in ("", "http") or target.netloc not in ("", "localhost"):
            problems.append(f"{name} leaves the site: {response.headers[name]!r}")
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        problems.extend(f"sent back {text!r} unescaped" for text in UNESCAPED if text in body)
    return problems


@dataclass
class Sweep:
    """Sends hostile requests and collects every problem, so one run reports them all."""

    people: dict[str, Person]
    form_names: set[str]
    query_names: set[str]
    failures: list[str] = field(default_factory=list)
    state: dict | None = None

    def form(self, payload: Payload, token: str) -> dict:
        """Every form field holding the hostile value (as a file, if so), with a valid token."""
        if payload.as_file:
            values = {
                name: (io.BytesIO(payload.value.encode()), "note.txt") for name in self.form_names
            }
        elif payload.alone:
            values = {min(self.form_names): payload.value}
        else:
            values = dict.fromkeys(self.form_names, payload.value)
        return {**values, "csrf_token": token}

    def send(self, who: str, method: str, url: str, payload: Payload, htmx: bool):
        """One hostile request; returns the answer (None if it raised) after noting anything
        wrong with it."""
        person = self.people[who]
        if person.stale:
            person.ready()
            self.state = None  # signing in again is not the request's doing
        where = f"{who}: {method} {url} with {payload.name}{' (htmx)' if htmx else ''}"
        query = dict.fromkeys(self.query_names, payload.value) if payload.in_query else {}
        options = {"headers": {"HX-Request": "true"} if htmx else {}}
        if method == "GET":
            options["query_string"] = {**dict.fromkeys(self.form_names, payload.value), **query}
        else:
            self.state = self.state or fingerprint()
            options.update(query_string=query, data=self.form(payload, person.token))
        try:
            response = person.open(url, method, **options)
        except Exception as error:  # tests let errors through; in production, a 500 page
            self.failures.append(f"{where}: raised {error!r}")
            self.state = None
            return None
        self.failures.extend(f"{where}: {problem}" for problem in answer_problems(response))
        if CSRF_REFUSED in response.get_data(as_text=True):
            self.failures.append(f"{where}: the test's CSRF token was refused")
        if method == "POST":
            self._check_post(person, response, where)
        return response

    def _check_post(self, person: Person, response, where: str) -> None:
        """A refusal changes nothing; an action that went ahead leads to a safe page."""
        after = fingerprint()
        refused = response.status_code >= 400 or shut_out(response)
        if refused and after != self.state:
            changed = sorted(name for name in after if after[name] != self.state.get(name))
            self.failures.append(
                f"{where}: refused with {response.status_code}, yet changed {changed}"
            )
        self.state = after
        if not refused:
            person.stale = True
            target = response.headers.get("Location", "")
            if response.status_code in (302, 303) and target.startswith("/"):
                page = person.open(target)
                problems = answer_problems(page)
                self.failures.extend(f"{where}, then {target}: {p}" for p in problems)
                self.state = None  # the page may have signed in again, or seen someone

    def route(self, method: str, url: str, payloads: list[Payload]) -> bool:
        """Every person sends every payload, unless the route shuts them out; True when
        someone was let in (so the hostile values reached the route's own code)."""
        let_in = False
        for who in self.people:
            for payload in payloads:
                first = self.send(who, method, url, payload, htmx=False)
                if first is not None and shut_out(first):
                    break
                let_in = True
                if not payload.refused_first:  # else htmx or not makes no difference
                    self.send(who, method, url, payload, htmx=True)
        return let_in


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_and_page_survives_hostile_input(app, make, shard):
    """No 5xx, no unescaped markup, no forged header or off-site redirect; refusals change
    nothing. Every route is tried by every kind of person, so new ones are covered too.

    The routes are dealt out in turn to SHARDS tests, which test workers run side by side.
    """
    ids, users = build_world(make)
    people = {ANON: Person(app)}
    people.update({who: Person(app, user) for who, user in users.items()})
    Person(app, users[YOUNG]).ready()  # a second device, to be signed out
    ids["sign_in_id"] = db.session.scalar(select(SignIn.id).order_by(SignIn.id.desc()))
    db.session.rollback()
    form_names = set().union(*(form_fields(form_class) for form_class in form_classes()))
    assert {"title", "description", "username", "password", "rationale"} <= form_names
    sweep = Sweep(
        people,
        form_names | names_read_from_requests({"form", "values"}),
        names_read_from_requests({"args", "values"}) - form_names,
    )

    unfillable = []
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)[shard::SHARDS]
    for method, payloads in (("POST", PAYLOADS), ("GET", QUERY_PAYLOADS)):
        for rule in (rule for rule in rules if method in rule.methods):
            values = url_values(rule, ids)
            if values is None:
                unfillable.append(f"{rule.rule} ({rule.endpoint})")
                continue
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values)
            for person in people.values():
                person.ready()
            sweep.state = None
            before = fingerprint() if method == "GET" else None
            if not sweep.route(method, url, payloads) and method == "POST":
                sweep.failures.append(f"{method} {url}: everyone was shut out, nothing was tried")
            if before is not None and fingerprint() != before:
                sweep.failures.append(f"GET {url} changed the database")
    if unfillable:
        sweep.failures.append(f"add the URL arguments of these to build_world: {unfillable}")
    assert not sweep.failures, "\n".join(sweep.failures)

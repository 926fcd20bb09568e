"""What people wrote never acts: markup stored in any text column stays inert text everywhere.

A marker (markup with hx-* attributes, quotes and angle brackets, naming its column) is written
into every text column a person can fill, found from the model metadata, so a new column is
covered by default. Every page the URL map has is then opened by every kind of person, and
every message that quotes a value (found in the source) is brought about by a request. Each
answer must show the markers as escaped text, each marker shown as text must sit inside an
element with `hx-disable` (so htmx would ignore it even if it ever came through as markup),
and no `hx-disable` may switch off the page's own htmx.
"""

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, insert, select, update
from wtforms import SelectChoice

import app as app_package
from app import create_app
from app.admin import services as admin_services
from app.codesign import routes as codesign_routes
from app.evidence.packs import PackRequest, publish_pack
from app.extensions import db
from app.languages import COOKIE, SHIPPED
from app.models import (
    AuditEntry,
    BestValuePack,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    ConcernStatus,
    Consultation,
    Idea,
    IdeaReport,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    JoinCode,
    LibraryService,
    Notice,
    NoticeKind,
    Outcome,
    OutcomeLink,
    Partner,
    PartnerKind,
    Phase,
    QlpReview,
    ReportReason,
    Role,
    SafeguardingConcern,
    ServiceOutcomeLink,
    SignIn,
    StaffMembership,
    User,
    VolunteerStatus,
    WordingSuggestion,
    utcnow,
)
from app.models.codesign import codesign_service_partners
from app.notices.services import WORDS as NOTICE_WORDS
from app.review import routes as review_routes
from app.review.services import start_review
from app.seed import DEMO_PASSWORD, load_demo_data, load_outcome_frameworks
from tests.conftest import BACKENDS, PASSWORD, Factory, empty_database

# The kinds of person every page is opened by.
ANONYMOUS = "anonymous"
AUTHOR = "young person who wrote the ideas"
OTHER_YOUNG = "another young person"
STAFF = "staff of the library service"
OTHER_STAFF = "staff of another library service"
NO_SERVICE_STAFF = "staff of no library service"
REVIEWER = "QLP reviewer"
ADMIN = "admin"
LEAD = "safeguarding lead of the library service"

# Columns of type String or Text that are not free text a person writes, and why. Enum
# columns (a fixed list the database checks) are left out by their type.
SEEDED = "loaded from the source documents by app.seed; no form writes it"
NOT_FREE_TEXT = {
    ("best_value_packs", "token"): "made by the app (secrets.token_urlsafe)",
    ("best_value_packs", "language"): "the language code the pack was published in",
    ("audit_entries", "action"): "a code the app writes (record(actor, 'idea.status', ...))",
    ("audit_entries", "subject_type"): "a model's class name, written by the app",
    ("ideas", "language"): "a language code from LANGUAGES, chosen from a list and checked",
    ("ideas", "search_text"): "made from the title and description by app/search_text.py",
    ("idea_status_changes", "message_language"): "a language code from LANGUAGES, checked",
    ("idea_revisions", "reason"): "a code the app writes ('redacted', 'edited')",
    ("join_codes", "code"): "made by the app from a fixed alphabet",
    ("outcome_frameworks", "code"): SEEDED,
    ("outcome_frameworks", "name"): SEEDED,
    ("outcome_frameworks", "source"): SEEDED,
    ("outcome_groups", "code"): SEEDED,
    ("outcome_groups", "title"): SEEDED,
    ("outcome_groups", "description"): SEEDED,
    ("outcomes", "code"): SEEDED,
    ("outcomes", "wording"): SEEDED,
    ("sign_ins", "token_hash"): "a SHA-256 of a random token",
    ("password_reset_codes", "code_hash"): "an HMAC-SHA256 of a code the app makes",
    ("users", "password_hash"): "an Argon2id hash",
    ("users", "age_band"): "one of AGE_BANDS, chosen from a list and checked",
    ("users", "language"): "a language code from LANGUAGES",
    ("join_codes", "language"): "a language code from LANGUAGES, chosen from a list and checked",
    ("wording_suggestions", "language"): "the code of the page's language, set by the app",
    ("users", "name_skeleton"): "made from the pseudonym by app/pseudonyms.py; never shown",
}
# JSON columns hold codes and counts, except the audit log's detail, which quotes names and
# reasons people wrote; the log cannot be changed, so a new entry carries the markers.
JSON_NOT_FREE_TEXT = {
    ("codesign_services", "age_bands"): "codes from AGE_BANDS, chosen from a list",
    ("codesign_services", "beneficiary_groups"): "BeneficiaryGroup values, chosen from a list",
    ("codesign_sessions", "attendance"): "counts keyed by age band",
    ("best_value_packs", "snapshot"): "copies of other columns' words: the world publishes a "
    "pack after filling those with markers, so the snapshot holds them",
}
AUDIT_DETAIL = ("audit_entries", "detail")

# A marker stands out in a page whether it came through escaped or not: "<i hx-post=/m7" is
# what column 7's marker looks like as text, or as markup when it was not escaped.
MARKER = re.compile(r"""<i hx-post=["']?/m(\d+)""")
LONG_MARKER = """<i hx-post="/m{n}" hx-trigger="load" data-row="{row}">'m{n}"</i>"""
SHORT_MARKER = "<i hx-post=/m{n} r='{row}'>"


def marker(n: int, row: int, length: int | None) -> str:
    """Column `n`'s marker for one row (unique columns need a different one on each row)."""
    long = LONG_MARKER.format(n=n, row=row)
    if length is None or length >= len(long):
        return long
    short = SHORT_MARKER.format(n=n, row=row)
    assert len(short) <= length, f"column {n} is too short for a marker: list it in NOT_FREE_TEXT"
    return short


def free_text_columns() -> list[sa.Column]:
    """Every String or Text column of every model that a person can fill."""
    columns = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            key = (table.name, column.name)
            if isinstance(column.type, sa.Enum) or key in NOT_FREE_TEXT:
                continue
            if isinstance(column.type, sa.JSON):
                assert key in JSON_NOT_FREE_TEXT or key == AUDIT_DETAIL, (
                    f"{key} is a new JSON column: fill it with markers, or say why not in "
                    "JSON_NOT_FREE_TEXT"
                )
            elif isinstance(column.type, sa.String):  # Text is a String too
                columns.append(column)
    return columns


# --- The people, and a client for each ---------------------------------------------------


@dataclass
class Person:
    """A test client signed in as one person (or nobody)."""

    app: object
    name: str | None = None
    password: str = PASSWORD
    token: str = ""

    def __post_init__(self):
        self.client = self.app.test_client()

    def open(self, url: str, method: str = "GET", htmx: bool = False, **options):
        """One request in an application context of its own, as in production."""
        headers = {"HX-Request": "true"} if htmx else {}
        with self.app.app_context():
            response = self.client.open(url, method=method, headers=headers, **options)
            if response.mimetype == "text/event-stream":
                response.close()  # streams send counts and notices, made from the partials
            else:
                response.get_data()
            return response

    def refresh_token(self) -> None:
        """Read the CSRF token a page hands to htmx, as a browser would."""
        html = self.open("/outcomes").get_data(as_text=True)
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    def sign_in(self) -> "Person":
        """Sign in through the real form."""
        self.refresh_token()
        data = {"csrf_token": self.token, "username": self.name, "password": self.password}
        assert self.open("/sign-in", "POST", data=data).status_code == 303, self.name
        self.refresh_token()
        return self

    def post(self, url: str, data: dict | None = None, htmx: bool = False) -> str:
        """A form sent with a valid token; the page it leads to (where flashes show)."""
        data = {"csrf_token": self.token, **(data or {})}
        response = self.open(url, "POST", htmx=htmx, data=data)
        if response.status_code in (302, 303) and not htmx:
            response = self.open(response.headers["Location"])
        return response.get_data(as_text=True)

    def get(self, url: str, **options) -> str:
        """A page's HTML."""
        return self.open(url, **options).get_data(as_text=True)


@dataclass
class World:
    """The app on one database, full of markers, with a signed-in client for each person."""

    app: object
    people: dict[str, Person]
    ids: dict[str, object]
    columns: dict[int, str] = field(default_factory=dict)  # marker number -> "table.column"


def _status_ideas(author: User, staff: User, consultation: Consultation) -> dict:
    """An idea of `author` in every status, with a message from staff at each step; the
    published one is in Arabic."""
    ideas = {}
    for status in IdeaStatus:
        idea = Idea(
            consultation=consultation,
            author=author,
            title=f"An idea now {status.value}",
            description="Words of the idea.",
            status=status,
            # In another language than the pages, so its staff translation is shown too.
            language="ar" if status == IdeaStatus.PUBLISHED else "en",
        )
        db.session.add(idea)
        db.session.add_all(
            [
                IdeaStatusChange(idea=idea, to_status=IdeaStatus.PENDING),
                IdeaStatusChange(
                    idea=idea,
                    actor=staff,
                    from_status=IdeaStatus.PENDING,
                    to_status=status,
                    message="A message from staff.",
                ),
            ]
        )
        ideas[status] = idea
    db.session.flush()
    ideas[IdeaStatus.MERGED].merged_into_id = ideas[IdeaStatus.PUBLISHED].id
    return ideas


def _more_rows(make: Factory, users: dict[str, User]) -> dict[str, object]:
    """Rows of every table the demo leaves empty, and people of every kind; their ids."""
    riverside = db.session.execute(select(LibraryService)).scalars().first()
    other_service = make.library_service()
    staff = make.staff(riverside)
    users |= {
        STAFF: staff,
        OTHER_STAFF: make.staff(other_service),
        NO_SERVICE_STAFF: make.user(Role.STAFF),
    }
    spare_staff = make.staff(other_service)
    lead = users[LEAD]
    teen_space = db.session.execute(
        select(Consultation).where(Consultation.vote_budget.is_not(None))
    ).scalar_one()
    draft = Consultation(
        library_service=riverside, question="A question still in draft", phase=Phase.DRAFT
    )
    ideas = _status_ideas(users[AUTHOR], lead, teen_space)
    ideas[IdeaStatus.PENDING].held_for_personal_info = True
    service = db.session.execute(select(CodesignService)).scalars().first()
    accepted = ideas[IdeaStatus.ACCEPTED]
    club = service.ideas[0]
    decline = CodesignVolunteer(idea=club, user=make.user(), status=VolunteerStatus.OFFERED)
    db.session.add_all(
        [
            draft,
            decline,
            IdeaRevision(
                idea=ideas[IdeaStatus.PENDING],
                title="The words before",
                description="The description before.",
                reason="redacted",
                edited_by=lead,
            ),
            IdeaReport(
                idea=ideas[IdeaStatus.PUBLISHED],
                reporter=users[OTHER_YOUNG],
                reason=ReportReason.OTHER,
                details="Why it was reported.",
            ),
            SafeguardingConcern(
                library_service=riverside,
                idea=ideas[IdeaStatus.PUBLISHED],
                raised_by=staff,
                concern="A worry about an idea.",
            ),
            SafeguardingConcern(
                library_service=riverside,
                raised_by=staff,
                concern="A worry about the library service.",
                status=ConcernStatus.CLOSED,
                closed_by=lead,
                closed_at=utcnow(),
                outcome="What the lead did.",
            ),
            JoinCode(
                code="ENDE2345",
                label="An ended code",
                library_service=riverside,
                created_by=lead,
                expires_at=utcnow() + timedelta(days=3),
                max_uses=5,
                ended_at=utcnow(),
            ),
        ]
    )
    outcome = db.session.execute(select(Outcome).where(Outcome.code == "qlp.aim.b")).scalar_one()
    db.session.add(
        OutcomeLink(idea=accepted, outcome=outcome, linked_by=lead, rationale="Why it is linked.")
    )
    # A notice of every kind the author can be told: each wording's, about one of their ideas,
    # then the merges, an offer accepted and a move with no words of its own.
    told = [(kind, status, ideas[status]) for kind, status in NOTICE_WORDS]
    merged = IdeaStatus.MERGED
    someone_elses = (
        db.session.execute(
            select(Idea).where(Idea.author_id == users[OTHER_YOUNG].id).order_by(Idea.id)
        )
        .scalars()
        .first()
    )
    told += [
        (NoticeKind.IDEA_MOVED, merged, ideas[merged]),
        (NoticeKind.IDEA_MOVED, merged, accepted),
        (NoticeKind.IDEA_MOVED, merged, someone_elses),
        (NoticeKind.HELP_ACCEPTED, None, club),
        (NoticeKind.IDEA_MOVED, IdeaStatus.WITHDRAWN, ideas[IdeaStatus.WITHDRAWN]),
    ]
    db.session.add_all(
        Notice(user=users[AUTHOR], kind=kind, status=status, idea=idea)
        for kind, status, idea in told
    )
    other_consultation = make.consultation(library_service=other_service)
    make.idea(other_consultation)
    db.session.add(WordingSuggestion(language="ar", page="/", words="Words", better="Better"))
    db.session.commit()
    review = start_review(service, users[REVIEWER], date.today() - timedelta(days=9), date.today())
    return {
        "riverside": riverside.id,
        "teen_space": teen_space.id,
        "draft_consultation": draft.id,
        "club": club.id,
        "robin_offer": db.session.execute(
            select(CodesignVolunteer.id).where(CodesignVolunteer.user_id == users[OTHER_YOUNG].id)
        ).scalar_one(),
        "join_code": db.session.execute(
            select(JoinCode.id).where(JoinCode.ended_at.is_(None))
        ).scalar_one(),
        "other_service": other_service.id,
        "service": service.id,
        "ideas": {status: idea.id for status, idea in ideas.items()},
        "draft_review": review.id,
        "spare_staff": spare_staff.id,
        "spare_membership": db.session.execute(
            select(StaffMembership.id).where(StaffMembership.user_id == spare_staff.id)
        ).scalar_one(),
        "decline_volunteer": decline.id,
    }


def _fill_markers() -> dict[int, str]:
    """Write each free-text column's marker into every row; the columns by marker number."""
    columns = {}
    for n, column in enumerate(free_text_columns(), start=1):
        table = column.table
        columns[n] = f"{table.name}.{column.name}"
        (key,) = table.primary_key.columns
        for (row,) in db.session.execute(select(key)).all():
            value = marker(n, row, column.type.length)
            db.session.execute(update(table).where(key == row).values({column.name: value}))
    detail_n = len(columns) + 1
    columns[detail_n] = ".".join(AUDIT_DETAIL)
    admin = db.session.execute(select(User).where(User.role == Role.ADMIN)).scalars().first()
    db.session.add(
        AuditEntry(
            actor=admin,
            action="partner.create",
            subject_type="Partner",
            subject_id=1,
            detail={"name": marker(detail_n, 1, None), "rationale": marker(detail_n, 2, None)},
        )
    )
    db.session.commit()
    return columns


def _empty_tables() -> list[str]:
    """Tables with a free-text column but no rows: their markers would be shown nowhere."""
    tables = {column.table for column in free_text_columns()}
    return sorted(
        table.name
        for table in tables
        if db.session.execute(select(sa.func.count()).select_from(table)).scalar() == 0
    )


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path_factory):
    """The demo data and one of everything else, every text in it a marker, and a signed-in
    client for each kind of person. Each test has its own: the messages' test changes what
    the pages' test must find (in shuffled order, it ran first and hid the services)."""
    # A database of its own: the tests' own database keeps only what each test rolls back.
    uri = empty_database(request.param, tmp_path_factory.mktemp("stored"))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "test-secret",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 256,
            "RATELIMIT_ENABLED": False,
            "LIVE_STREAM_SECONDS": 0.3,
        }
    )
    with app.app_context():
        db.create_all()
        load_outcome_frameworks()
        load_demo_data()
        demo = {u.username: u for u in db.session.execute(select(User)).scalars()}
        users = {
            AUTHOR: demo["sam_reads"],
            OTHER_YOUNG: demo["robin_writes"],
            REVIEWER: demo["qlp_reviewer"],
            ADMIN: demo["admin"],
            LEAD: demo["library_staff"],
        }
        ids = _more_rows(Factory(), users)
        passwords = {
            who: DEMO_PASSWORD if user.username in demo else PASSWORD for who, user in users.items()
        }
        names = {who: user.username for who, user in users.items()}
        ids["users"] = {who: user.id for who, user in users.items()}
        db.session.remove()
    people = {ANONYMOUS: Person(app)}
    people |= {who: Person(app, names[who], passwords[who]).sign_in() for who in names}
    # A second device of another young person's, to be signed out by name.
    Person(app, names[OTHER_YOUNG], passwords[OTHER_YOUNG]).sign_in()
    with app.app_context():
        ids["second_device"] = db.session.execute(select(sa.func.max(SignIn.id))).scalar()
        assert not _empty_tables(), f"give these tables a row in _more_rows: {_empty_tables()}"
        columns = _fill_markers()
        with app.test_request_context():
            pack = publish_pack(
                db.session.get(User, ids["users"][ADMIN]),
                PackRequest(
                    db.session.get(LibraryService, ids["riverside"]),
                    date.today() - timedelta(days=364),
                    date.today(),
                ),
            )
        ids["pack"] = pack.id
        db.session.remove()
    yield World(app, people, ids, columns)
    with app.app_context():
        db.engine.dispose()


# --- Reading the answers ------------------------------------------------------------------

# Elements that hold no content, so never enclose a marker.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
# A marker inside these is not in the document as markup: a field's value, or the tab's name.
NOT_MARKUP = {"head", "title", "textarea"}
# Elements that do not break a line of text, so a message stays on one line across them.
INLINE = {"a", "abbr", "b", "bdi", "code", "em", "mark", "small", "span", "strong", "time"}
# Elements that end an open <p> where they start, as browsers parse them.
CLOSE_P = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset"}
CLOSE_P |= {"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav"}
CLOSE_P |= {"ol", "p", "pre", "section", "table", "ul"}
# htmx reads these attributes where they stand, so hx-disable around them switches them off;
# hx-swap-oob is read from the answer before it is swapped in, hx-disable or not.
OWN_HTMX = re.compile(r"^(data-)?(hx-(?!disable$|swap-oob$)|sse-)")
# A marker in the raw answer, escaped or not.
ANY_MARKER = re.compile(r"""(?:<|&lt;)i hx-post=(?:"|&#34;|&quot;)?/m(\d+)""")


class ShownMarkers(HTMLParser):
    """Each marker shown as text in a page, with the elements around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag and class, inside hx-disable)
        self.shown: list[tuple[int, bool, str]] = []  # (column number, inert, where)
        self.switched_off: list[str] = []  # the page's own htmx inside hx-disable
        self.text: list[str] = []  # what the page says, a line for each block

    def handle_starttag(self, tag, attrs):
        if tag not in INLINE:
            self.text.append("\n")
        if tag in CLOSE_P:
            self._close("p")
        if tag in VOID:
            return
        attributes = dict(attrs)
        inert = bool(self.open and self.open[-1][1])
        inert = inert or "hx-disable" in attributes or "data-hx-disable" in attributes
        css = (attributes.get("class") or "").split()
        name = tag + "".join(f".{name}" for name in css[:1])
        own = [attribute for attribute in attributes if OWN_HTMX.match(attribute)]
        marker_itself = re.fullmatch(r"/m\d+", attributes.get("hx-post") or "")
        if inert and own and not marker_itself:  # a marker that came through is reported as such
            self.switched_off.append(f"{name}[{own[0]}]")
        self.open.append((name, inert))

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self.text.append("\n")
        self._close(tag)

    def _close(self, tag: str) -> None:
        """Close the innermost open `tag`, and whatever is still open inside it."""
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0].split(".")[0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        tags = {name.split(".")[0] for name, _ in self.open}
        if tags & NOT_MARKUP:
            return
        self.text.append(data)
        inert = bool(self.open and self.open[-1][1])
        where = " > ".join(name for name, _ in self.open[-3:])
        for found in MARKER.finditer(data):
            self.shown.append((int(found.group(1)), inert, where))


def read_page(html: str) -> ShownMarkers:
    """The page read as a browser would, for the markers it shows and the text it says."""
    parser = ShownMarkers()
    parser.feed(html)
    parser.close()
    return parser


def page_text(html: str) -> str:
    """What the page says, each block on its own line."""
    return "".join(read_page(html).text)


@dataclass
class Findings:
    """What is wrong, kept once per column and place, with the first request that showed it."""

    world: World
    problems: dict[tuple, str] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)

    def column(self, n: int) -> str:
        """Where marker `n` came from: a column, or (0) a value the request itself sent."""
        return self.world.columns.get(n, "what the request sent")

    def check(self, html: str, request: str, where: str) -> None:
        """Note every unescaped marker and every marker shown outside hx-disable."""
        self.seen |= {int(n) for n in ANY_MARKER.findall(html)}
        for found in MARKER.finditer(html):
            key = ("UNESCAPED", self.column(int(found.group(1))), where)
            self.problems.setdefault(key, request)
        page = read_page(html)
        for n, inert, inside in page.shown:
            if not inert:
                key = ("outside hx-disable", self.column(n), where, f"in {inside}")
                self.problems.setdefault(key, request)
        for control in page.switched_off:
            key = ("hx-disable switches off the page's own htmx", control, where)
            self.problems.setdefault(key, request)

    def report(self) -> str:
        """One line per problem."""
        return "\n".join(
            f"{kind}: {column} on {' '.join(place)} (first: {request})"
            for (kind, column, *place), request in sorted(self.problems.items())
        )


# --- Every page, for every person ------------------------------------------------------------


def path_values(world: World) -> dict[str, list]:
    """Values for each path argument of the pages: every id of its kind, or one per status."""
    ideas = world.ids["ideas"]
    with world.app.app_context():
        every = {
            "library_service_id": LibraryService.id,
            "consultation_id": Consultation.id,
            "service_id": CodesignService.id,
            "session_id": CodesignSession.id,
            "join_code_id": JoinCode.id,
            "concern_id": SafeguardingConcern.id,
            "review_id": QlpReview.id,
            "pack_id": BestValuePack.id,
            "token": BestValuePack.token,
        }
        values = {name: db.session.execute(select(c)).scalars().all() for name, c in every.items()}
        club = db.session.execute(
            select(Idea.id).where(Idea.codesign_service_id.is_not(None))
        ).scalars()
        values["idea_id"] = [*ideas.values(), club.first()]
        values["user_id"] = list(world.ids["users"].values())
        linked = select(Outcome.code).join(OutcomeLink).distinct().limit(2)
        values["code"] = db.session.execute(linked).scalars().all()
        values["code"] += (
            db.session.execute(select(Outcome.code).join(ServiceOutcomeLink).distinct().limit(1))
            .scalars()
            .all()
        )
    return values


def page_urls(world: World) -> list[tuple[str, str]]:
    """(endpoint, address) of every page in the URL map, with each of its arguments' values."""
    values = path_values(world)
    urls = []
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"give path_values the ids for {rule.rule}: {missing}"
        combinations = [{}]
        for name in sorted(rule.arguments):
            combinations = [{**c, name: value} for c in combinations for value in values[name]]
        with world.app.test_request_context():
            urls += [(rule.endpoint, world.app.url_for(rule.endpoint, **c)) for c in combinations]
    return urls


def test_every_page_shows_stored_markup_as_inert_text_to_everyone(world):
    """Every page, for every kind of person (and its htmx partial): no marker unescaped, each
    marker shown as text inside hx-disable, none of the page's own htmx inside hx-disable, and
    every column's marker shown somewhere."""
    findings = Findings(world)
    for endpoint, url in page_urls(world):
        for who, person in world.people.items():
            response = person.open(url)
            if response.mimetype != "text/html":
                continue
            findings.check(response.get_data(as_text=True), f"{who}: GET {url}", endpoint)
            if response.status_code == 200 and "HX-Request" in response.vary:
                partial = person.open(url, htmx=True).get_data(as_text=True)
                findings.check(partial, f"{who}: GET {url} (htmx)", endpoint)
    never = {column for n, column in world.columns.items() if n not in findings.seen}
    assert not findings.problems, findings.report()
    assert not never, f"no page showed these columns; is the sweep reaching them? {sorted(never)}"


# --- Every message that quotes what someone wrote ----------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Modules whose translated messages are left out of the search, and why.
MODULES_LEFT_OUT = {
    "app/fields.py": "WTForms' messages in plain words: they quote a field's label, written in "
    "the code, and WTForms' own numbers",
}
PSEUDONYM = (
    "a pseudonym, which matches USERNAME_PATTERN (letters, digits, - and _) when it is saved"
)
LABEL = "an aim's or outcome's label (app.review.services.item_label)"
# Messages with values that nobody writes, and what those values are.
NOT_PEOPLES_WORDS = {
    ("app/moderation/routes.py", "_decided_words", "Linked to %(code)s."): "an outcome's code",
    ("app/account/routes.py", "change_name", "Your name is now %(name)s."): PSEUDONYM,
    (
        "app/auth/routes.py",
        "join",
        "Welcome, %(name)s! You can now share ideas and vote.",
    ): PSEUDONYM,
    ("app/joincodes/routes.py", "join", "Welcome, %(name)s! You can now share ideas and vote."): (
        PSEUDONYM
    ),
    ("app/codesign/forms.py", "<module>", "Aged %(band)s"): "an age band from AGE_BANDS",
    ("app/auth/forms.py", "<module>", "%(youngest)s to %(oldest)s"): "the ages of AGE_BANDS",
    ("app/dates.py", "opening_words", "Closed %(when)s"): "a date",
    ("app/dates.py", "opening_words", "Closes %(when)s"): "a date",
    ("app/dates.py", "opening_words", "Opens %(when)s"): "a date",
    ("app/codesign/routes.py", "change_status", "Status changed: %(status)s."): "a status label",
    ("app/ideas/services.py", "cast_vote", "You have used all %(budget)s of your votes here."): (
        "a number"
    ),
    (
        "app/ideas/services.py",
        "check_message",
        "Messages to young people never carry contact or personal details, and this one seems to "
        "include: %(kinds)s. Please say it another way.",
    ): "the kinds of detail found, named by app/personal_info.py",
    (
        "app/joincodes/forms.py",
        "<module>",
        "From 1 to %(most)s. Allow a few more than the group.",
    ): "a number",
    (
        "app/joincodes/routes.py",
        "new",
        "Join code %(code)s is ready: print the poster or the cards.",
    ): "a code the app makes from a fixed alphabet",
    ("app/joincodes/routes.py", "poster", "QR code that opens %(url)s"): "the code's join address",
    (
        "app/moderation/forms.py",
        "<module>",
        "Give each person from %(min)s to %(max)s votes, or leave it empty.",
    ): "numbers, filled in by WTForms",
    ("app/evidence/exports.py", "coverage_tables", "Coverage of %(framework)s"): (
        "an outcome framework's name, from the seeded frameworks"
    ),
    (
        "app/evidence/exports.py",
        "_figure_notes",
        'Figures from 1 to %(last)s show as "fewer than %(num)s"; others are rounded to the '
        "nearest 5. Totals are worked out from the true counts, then rounded.",
    ): "numbers (the disclosure threshold)",
    ("app/review/routes.py", "_rating_form", "Evidence for %(item)s"): LABEL,
    ("app/review/routes.py", "_rating_form", "Rating for %(item)s"): LABEL,
    ("app/review/routes.py", "_rating_form", "Save rating for %(item)s"): LABEL,
    ("app/review/routes.py", "outcome", "Show more ideas for %(code)s"): "an outcome's code",
    ("app/review/routes.py", "rate", "%(item)s was not saved. Please check it."): LABEL,
    ("app/review/routes.py", "rate", "Saved %(item)s: %(rating)s."): LABEL + ", and a rating",
    ("app/review/services.py", "item_label", "Aim %(letter)s"): "a letter",
    ("app/review/services.py", "item_label", "Outcome %(letter)s"): "a letter",
    ("app/review/services.py", "missing_for_signing", "%(item)s is not rated."): LABEL,
    ("app/review/services.py", "missing_for_signing", "%(item)s needs evidence."): LABEL,
    (
        "app/review/services.py",
        "sign_review",
        "This review cannot be signed yet: %(missing)s",
    ): "what is missing, in labels (missing_for_signing)",
    ("app/safeguarding/services.py", "_check_text", "Please keep it under %(limit)s characters."): (
        "a number"
    ),
}


def messages_with_values() -> set[tuple[str, str, str]]:
    """(module, function, message) of each translated message in app/ that holds a value other
    than a count (`num`), found in the source, so a new one is caught."""
    root = Path(app_package.__file__).parent
    found = set()

    def visit(node: ast.AST, module: str, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inside = child.name
            elif (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in ("_", "_l", "ngettext")
            ):
                for argument in child.args[:2]:
                    text = argument.value if isinstance(argument, ast.Constant) else None
                    if isinstance(text, str) and set(PLACEHOLDER.findall(text)) - {"num"}:
                        found.add((module, function, text))
            visit(child, module, inside)

    for path in sorted(root.rglob("*.py")):
        module = path.relative_to(root.parent).as_posix()
        if module not in MODULES_LEFT_OUT:
            visit(ast.parse(path.read_text()), module, "<module>")
    return found


def request_marker(k: int, length: int | None = None) -> str:
    """A marker sent in a request (column 0), the `k`th of the test's, to fit `length`."""
    return marker(0, k, length)


def run_sql(world: World, *statements) -> None:
    """Put the database in the state a request needs."""
    with world.app.app_context():
        for statement in statements:
            db.session.execute(statement)
        db.session.commit()


def read(world: World, statement):
    """One value from the database."""
    with world.app.app_context():
        return db.session.execute(statement).scalar()


def new_idea(world: World, status: IdeaStatus) -> int:
    """An idea of the library service in `status` (in no service yet), with a marker as its
    title."""
    title = next(n for n, column in world.columns.items() if column == "ideas.title")
    with world.app.app_context():
        idea = Idea(
            consultation_id=world.ids["teen_space"],
            author_id=world.ids["users"][AUTHOR],
            title="",
            description="Words of the idea.",
            status=status,
        )
        db.session.add(idea)
        db.session.flush()
        idea.title = marker(title, idea.id, Idea.title.type.length)
        db.session.commit()
        return idea.id


def service_details(name: str) -> dict:
    """A co-designed service's details as its form sends them."""
    return {
        "name": name,
        "summary": "A club on Wednesdays.",
        "need": "Somewhere to meet.",
        "age_bands": ["11-13"],
        "beneficiary_groups": ["young_people"],
    }


def partner_on_service(world: World, on: bool) -> int:
    """A national partner, made to work on the demo service or not; its id."""
    service = world.ids["service"]
    partner = read(
        world, select(Partner.id).where(Partner.kind == PartnerKind.NATIONAL).order_by(Partner.id)
    )
    links = codesign_service_partners.c
    run_sql(
        world,
        delete(codesign_service_partners).where(
            links.service_id == service, links.partner_id == partner
        ),
    )
    if on:
        run_sql(
            world, insert(codesign_service_partners).values(service_id=service, partner_id=partner)
        )
    return partner


def set_lead(world: World, lead: bool) -> int:
    """The spare member of staff's membership, made a safeguarding lead or not; its id."""
    membership = world.ids["spare_membership"]
    run_sql(
        world,
        update(StaffMembership)
        .where(StaffMembership.id == membership)
        .values(safeguarding_lead=lead),
    )
    return membership


def offered(world: World, volunteer: int) -> int:
    """A co-design offer, waiting for staff's answer again; its id."""
    run_sql(
        world,
        update(CodesignVolunteer)
        .where(CodesignVolunteer.id == volunteer)
        .values(status=VolunteerStatus.OFFERED),
    )
    return volunteer


def all_pages(person: Person, url: str) -> str:
    """A paged list's pages, one after another."""
    html = person.get(url)
    pages = html
    while next_page := re.search(r'href="([^"]+)" rel="next"', html):
        html = person.get(next_page.group(1).replace("&amp;", "&"))
        pages += html
    return pages


def _admin(world: World) -> Person:
    """The admin's client."""
    return world.people[ADMIN]


def _lead(world: World) -> Person:
    """The client of the safeguarding lead, who is the demo service's Quality Leader."""
    return world.people[LEAD]


def search_accounts(world):
    """Admins search accounts for words nobody's name starts with."""
    return _admin(world).get(f"/admin/accounts?q={quote(request_marker(1))}")


def add_library_service(world):
    """An admin adds a library service by name."""
    return _admin(world).post("/admin/library-services", {"service-name": request_marker(2)})


def switch_about_you(on: bool):
    """An admin switches the demo library service's "about you" questions on (or off)."""

    def trigger(world):
        off = "" if on else "/off"
        return _admin(world).post(
            f"/admin/library-services/{world.ids['riverside']}/about-you{off}"
        )

    return trigger


def filter_audit_log(world):
    """An admin narrows the audit log to a name nobody has."""
    return _admin(world).get(f"/admin/audit?person={quote(request_marker(3, 30))}")


def memberships_of_staff_with_none(world):
    """An admin opens the library services of staff who have none."""
    return _admin(world).get(f"/admin/users/{world.ids['users'][NO_SERVICE_STAFF]}/memberships")


def make_lead(lead_before: bool):
    """An admin makes the spare member of staff a safeguarding lead (already one, or not)."""

    def trigger(world):
        membership = set_lead(world, lead_before)
        return _admin(world).post(f"/admin/memberships/{membership}/safeguarding-lead")

    return trigger


def stop_lead(lead_before: bool):
    """An admin stops the spare member of staff being a safeguarding lead (or not one)."""

    def trigger(world):
        membership = set_lead(world, lead_before)
        return _admin(world).post(f"/admin/memberships/{membership}/safeguarding-lead/remove")

    return trigger


def spare_staff_out_of_riverside(world: World) -> tuple[int, int]:
    """The spare member of staff, in no membership of the demo's library service; both ids."""
    staff, riverside = world.ids["spare_staff"], world.ids["riverside"]
    memberships = StaffMembership.__table__.c
    run_sql(
        world,
        delete(StaffMembership).where(
            memberships.user_id == staff, memberships.library_service_id == riverside
        ),
    )
    return staff, riverside


def add_membership(world):
    """An admin adds the spare member of staff to the demo's library service."""
    staff, riverside = spare_staff_out_of_riverside(world)
    return _admin(world).post(
        f"/admin/users/{staff}/memberships", {"library_service": str(riverside)}
    )


def remove_membership(world):
    """An admin takes the spare member of staff out of the demo's library service."""
    staff, riverside = spare_staff_out_of_riverside(world)
    run_sql(world, insert(StaffMembership).values(user_id=staff, library_service_id=riverside))
    membership = read(
        world,
        select(sa.func.max(StaffMembership.id)).where(StaffMembership.user_id == staff),
    )
    return _admin(world).post(f"/admin/memberships/{membership}/remove")


def add_membership_twice(world):
    """Reached only when two admins add the same membership at once: the form offered it."""
    every = "app.admin.routes.services.library_services_to_join"
    with mock.patch(every, lambda user: admin_services.all_library_services()):
        return _admin(world).post(
            f"/admin/users/{world.ids['spare_staff']}/memberships",
            {"library_service": str(world.ids["other_service"])},
        )


def save_role(world):
    """An admin saves the role of staff of another library service, unchanged."""
    user = world.ids["users"][OTHER_STAFF]
    form = {f"u{user}-role": "staff", f"u{user}-active": "y", "next": "/admin/"}
    return _admin(world).post(f"/admin/users/{user}/role", form)


def sign_out_other_device(world):
    """A young person signs one of their other devices out."""
    return world.people[OTHER_YOUNG].post(f"/account/devices/{world.ids['second_device']}/sign-out")


def service_url(world) -> str:
    """The demo co-designed service's staff page."""
    return f"/codesign/services/{world.ids['service']}"


def remove_partner(on: bool):
    """Staff take a partner off the service (one on it, or one not on it)."""

    def trigger(world):
        partner = partner_on_service(world, on)
        return _lead(world).post(f"{service_url(world)}/partners/{partner}/remove")

    return trigger


def add_partner(world):
    """Staff add a partner from the list to the service."""
    partner = partner_on_service(world, False)
    return _lead(world).post(f"{service_url(world)}/partners", {"partner-partner": str(partner)})


def add_partner_twice(world):
    """Reached only when two people add the same partner at once: the form offered it."""
    partner = partner_on_service(world, True)
    original = codesign_routes._partner_form

    def offering_every_partner(service, **kwargs):
        form = original(service, **kwargs)
        form.partner.choices += [SelectChoice(p.id, p.name) for p in service.partners]
        return form

    with mock.patch.object(codesign_routes, "_partner_form", offering_every_partner):
        return _lead(world).post(
            f"{service_url(world)}/partners", {"partner-partner": str(partner)}
        )


def new_partner_of_service(world):
    """Staff add a partner not on the list to the service."""
    form = {"new-partner-name": request_marker(4), "new-partner-kind": "community"}
    return _lead(world).post(f"{service_url(world)}/partners/new", form)


def create_partner(world):
    """Staff add a partner to the list of partners."""
    form = {"partner-name": request_marker(5), "partner-kind": "community"}
    return _lead(world).post("/codesign/partners", form)


def create_partner_again(world):
    """Staff add a partner whose name is already on the list."""
    taken = read(world, select(Partner.name).order_by(Partner.id))
    return _lead(world).post("/codesign/partners", {"partner-name": taken, "partner-kind": "other"})


def decide_offer(decision: str, key: str):
    """Staff accept or decline a young person's offer to co-design."""

    def trigger(world):
        volunteer = offered(world, world.ids[key])
        return _lead(world).post(
            f"/codesign/volunteers/{volunteer}/decision", {"decision": decision}
        )

    return trigger


def start_service(world):
    """Staff start a co-designed service from an accepted idea."""
    form = {"idea": str(new_idea(world, IdeaStatus.ACCEPTED)), **service_details(request_marker(6))}
    form["message"] = "We have started planning this with young people."
    return _lead(world).post("/codesign/new", form)


def start_service_in_a_race(world):
    """Reached only when someone else puts the idea in a service at the same moment."""
    form = {"idea": str(new_idea(world, IdeaStatus.ACCEPTED)), **service_details(request_marker(7))}
    form["message"] = "We have started planning this with young people."
    with mock.patch("app.codesign.services.advance_idea", return_value=False):
        return _lead(world).post("/codesign/new", form)


def edit_service(world):
    """Staff change the service's details."""
    form = service_details(request_marker(8))
    return _lead(world).post(f"{service_url(world)}/edit", form)


def add_idea_to_service(world):
    """Staff add an accepted idea to the service."""
    idea = new_idea(world, IdeaStatus.ACCEPTED)
    return _lead(world).post(f"{service_url(world)}/ideas", {"idea-idea": str(idea)})


def idea_joined_service(world):
    """An idea added to the service says so in its history, on its page."""
    idea = new_idea(world, IdeaStatus.ACCEPTED)
    _lead(world).post(f"{service_url(world)}/ideas", {"idea-idea": str(idea)})
    return world.people[ANONYMOUS].get(f"/ideas/{idea}")


def start_from(status: IdeaStatus | None):
    """Staff open the start of a service from an idea in a service, or one not accepted."""

    def trigger(world):
        idea = world.ids["ideas"][status] if status else world.ids["club"]
        return _lead(world).get(f"/codesign/new?idea={idea}")

    return trigger


def decide_from_queue(world):
    """Staff decide on an idea from its queue card; the queue says what was decided."""
    idea = new_idea(world, IdeaStatus.PENDING)
    form = {f"idea-{idea}-decision": "rejected", f"idea-{idea}-message": "Not for now."}
    return _lead(world).post(f"/staff/queue/ideas/{idea}", form)


def end_join_code(world):
    """Staff end a join code."""
    code = world.ids["join_code"]
    run_sql(world, update(JoinCode).where(JoinCode.id == code).values(ended_at=None))
    return _lead(world).post(f"/staff/join-codes/{code}/end")


def save_consultation(world):
    """Staff save a consultation with a new question."""
    form = {
        "question": request_marker(9),
        "description": "",
        "library_service": str(world.ids["riverside"]),
        "branch": "",
        "opens_at": "",
        "closes_at": "",
        "vote_budget": "",
    }
    return _lead(world).post(f"/staff/consultations/{world.ids['draft_consultation']}/edit", form)


def moderate_a_waiting_idea(world):
    """Staff open an idea waiting for them: the message language says what its author reads."""
    idea = world.ids["ideas"][IdeaStatus.PENDING]
    return world.people[STAFF].get(f"/staff/ideas/{idea}")


def raise_concern_about_idea(world):
    """Staff raise a concern about an idea; their service has a lead."""
    idea = world.ids["ideas"][IdeaStatus.PUBLISHED]
    return world.people[STAFF].post(f"/safeguarding/ideas/{idea}/concern", {"concern": "A worry."})


def raise_concern_with_no_lead(world):
    """Staff raise a concern in a library service with no lead."""
    other = world.ids["other_service"]
    run_sql(
        world,
        update(StaffMembership)
        .where(StaffMembership.library_service_id == other)
        .values(safeguarding_lead=False),
    )
    form = {"library_service": str(other), "concern": "A worry."}
    return world.people[OTHER_STAFF].post("/safeguarding/concerns/new", form)


def reports_queue(world):
    """Staff open the reports queue, with its library services as choices."""
    return world.people[STAFF].get("/staff/reports")


def draft_review(world):
    """A reviewer opens a draft review, with sessions and skills as choices."""
    return world.people[REVIEWER].get(f"/review/reviews/{world.ids['draft_review']}")


def notices(world):
    """The author reads every notice they were given."""
    return all_pages(world.people[AUTHOR], "/notices")


def _reassign_url(world: World) -> str:
    """Where an admin gives the draft review to another reviewer."""
    return f"/review/reviews/{world.ids['draft_review']}/reviewer"


def _give_draft_back(world: World) -> None:
    """The draft review belongs to the QLP reviewer again, as the world has it."""
    run_sql(
        world,
        update(QlpReview)
        .where(QlpReview.id == world.ids["draft_review"])
        .values(reviewer_id=world.ids["users"][REVIEWER]),
    )


def reassign_draft(world):
    """An admin gives the reviewer's draft to themself."""
    html = _admin(world).post(
        _reassign_url(world), {"reassign-reviewer": str(world.ids["users"][ADMIN])}
    )
    _give_draft_back(world)
    return html


def reassign_draft_to_its_owner(world):
    """Reached only when another admin gave the draft to the same reviewer a moment before:
    the form offered them."""
    original = review_routes._reassign_form

    def offering_everyone(review, **kwargs):
        form = original(review, **kwargs)
        owner = review.reviewer
        if form is not None:
            form.reviewer.choices += [SelectChoice(owner.id, owner.username)]
        return form

    with mock.patch.object(review_routes, "_reassign_form", offering_everyone):
        return _admin(world).post(
            _reassign_url(world), {"reassign-reviewer": str(world.ids["users"][REVIEWER])}
        )


def change_a_draft_given_away_meanwhile(world):
    """Reached only when an admin gives the draft away while its page is open: the admin's
    own change to the reviewer's draft passes the page's check and is refused by the rule."""
    with mock.patch.object(review_routes, "owns_draft", return_value=True):
        return _admin(world).post(
            f"/review/reviews/{world.ids['draft_review']}/overall",
            {"overall-comment": "Well planned."},
        )


ADMIN_ROUTES, ADMIN_SERVICES = "app/admin/routes.py", "app/admin/services.py"
CODESIGN_ROUTES, CODESIGN_SERVICES = "app/codesign/routes.py", "app/codesign/services.py"
# The request that brings each message about, with what someone wrote in its values.
TRIGGERS: dict[tuple[str, str, str], Callable[[World], str]] = {
    ("app/moderation/forms.py", "offer_languages", "%(name)s reads %(language)s."): (
        moderate_a_waiting_idea
    ),
    (ADMIN_ROUTES, "_accounts", "No account’s name starts with “%(search)s”."): search_accounts,
    (ADMIN_ROUTES, "_add_named", "Added %(name)s."): add_library_service,
    (ADMIN_ROUTES, "_audit_filter", "No account is called “%(name)s”."): filter_audit_log,
    (ADMIN_ROUTES, "_set_asks_about_you", "%(service)s now asks the “about you” questions."): (
        switch_about_you(True)
    ),
    (
        ADMIN_ROUTES,
        "_set_asks_about_you",
        "%(service)s no longer asks the “about you” questions.",
    ): switch_about_you(False),
    (ADMIN_ROUTES, "_memberships", "%(name)s does not belong to any library service yet."): (
        memberships_of_staff_with_none
    ),
    (
        ADMIN_ROUTES,
        "_set_safeguarding_lead",
        "%(name)s is now a safeguarding lead of %(service)s.",
    ): (make_lead(False)),
    (
        ADMIN_ROUTES,
        "_set_safeguarding_lead",
        "%(name)s is no longer a safeguarding lead of %(service)s.",
    ): stop_lead(True),
    (
        ADMIN_SERVICES,
        "set_safeguarding_lead",
        "%(name)s is already a safeguarding lead of %(service)s.",
    ): (make_lead(True)),
    (
        ADMIN_SERVICES,
        "set_safeguarding_lead",
        "%(name)s is not a safeguarding lead of %(service)s.",
    ): (stop_lead(False)),
    (ADMIN_ROUTES, "add_membership", "%(name)s now belongs to %(service)s."): add_membership,
    (ADMIN_ROUTES, "remove_membership", "%(name)s no longer belongs to %(service)s."): (
        remove_membership
    ),
    (ADMIN_SERVICES, "add_membership", "%(name)s already belongs to %(service)s."): (
        add_membership_twice
    ),
    (ADMIN_ROUTES, "set_role", "Saved %(name)s."): save_role,
    ("app/auth/routes.py", "sign_out_device", "Signed out of %(device)s."): sign_out_other_device,
    (CODESIGN_ROUTES, "remove_partner", "Removed %(name)s."): remove_partner(True),
    (CODESIGN_SERVICES, "remove_partner", "%(name)s does not work on this service."): (
        remove_partner(False)
    ),
    (CODESIGN_ROUTES, "add_partner", "Added %(name)s."): add_partner,
    (CODESIGN_SERVICES, "_attach_partner", "%(name)s already works on this service."): (
        add_partner_twice
    ),
    (CODESIGN_ROUTES, "new_partner", "Added %(name)s."): new_partner_of_service,
    (CODESIGN_ROUTES, "create_partner", "Added %(name)s."): create_partner,
    (
        CODESIGN_SERVICES,
        "create_partner",
        "There is already a partner called “%(name)s”. Please choose it.",
    ): create_partner_again,
    (CODESIGN_ROUTES, "decide_volunteer", "%(name)s is now a co-designer."): (
        decide_offer("accept", "robin_offer")
    ),
    (CODESIGN_ROUTES, "decide_volunteer", "You declined the offer from %(name)s."): (
        decide_offer("decline", "decline_volunteer")
    ),
    (CODESIGN_ROUTES, "new_service", "Service started: %(name)s."): start_service,
    (
        CODESIGN_SERVICES,
        "_join",
        "Someone put “%(title)s” in a service just now. Please look at it again.",
    ): start_service_in_a_race,
    (CODESIGN_ROUTES, "edit_service", "Saved %(name)s."): edit_service,
    (CODESIGN_ROUTES, "add_idea", "Idea added: %(title)s."): add_idea_to_service,
    (
        CODESIGN_SERVICES,
        "add_idea",
        "This idea is now part of “%(name)s”, which we are designing with young people.",
    ): idea_joined_service,
    (CODESIGN_SERVICES, "_check_can_join", "“%(title)s” is already part of a service."): (
        start_from(None)
    ),
    (
        CODESIGN_SERVICES,
        "_check_can_join",
        "Only accepted ideas can join a service, and “%(title)s” is not.",
    ): start_from(IdeaStatus.PENDING),
    ("app/joincodes/routes.py", "end", "“%(label)s” has ended: nobody else can join with it."): (
        end_join_code
    ),
    ("app/moderation/routes.py", "_save_consultation", "Consultation saved: %(question)s"): (
        save_consultation
    ),
    (
        "app/moderation/routes.py",
        "_decided_words",
        "Decision saved: %(decision)s, “%(title)s”.",
    ): decide_from_queue,
    (
        "app/safeguarding/routes.py",
        "_raised_message",
        "Thank you. Your concern was sent to the safeguarding lead of %(service)s.",
    ): raise_concern_about_idea,
    (
        "app/safeguarding/routes.py",
        "_raised_message",
        "%(service)s has no designated safeguarding lead, so nobody has been told yet. Your "
        "concern is kept for the lead an admin designates. If a child may be at risk now, follow "
        "your safeguarding procedure straight away.",
    ): raise_concern_with_no_lead,
    ("app/reports/routes.py", "_threshold_form", "%(service)s (now %(num)s)"): reports_queue,
    ("app/review/routes.py", "_rating_form", "%(date)s, %(place)s"): draft_review,
    ("app/review/routes.py", "_rating_form", "%(skill)s (%(name)s)"): draft_review,
    ("app/review/routes.py", "reassign", "The draft now belongs to %(name)s."): reassign_draft,
    ("app/review/services.py", "reassign_draft", "This draft already belongs to %(name)s."): (
        reassign_draft_to_its_owner
    ),
    (
        "app/review/services.py",
        "_not_yours",
        "This draft belongs to %(name)s: only they can change or sign it. An admin can give it "
        "to another reviewer.",
    ): change_a_draft_given_away_meanwhile,
    # What a notice says is made when it is read: the author's notices page shows each kind.
    **{key: notices for key in messages_with_values() if key[0] == "app/notices/services.py"},
}


def message_pattern(message: str) -> re.Pattern:
    """A message as a pattern of its text, each value a group within one line."""
    parts = PLACEHOLDER.split(message)
    pattern = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        else:
            last = i == len(parts) - 2 and not parts[-1]
            pattern += f"(?P<{part}>[^\\n]*{'' if last else '?'})"
    return re.compile(pattern)


def test_every_message_that_quotes_what_someone_wrote_is_listed():
    """A new message with a value is either brought about below, or its values are not words
    someone wrote; no entry stays behind when a message goes."""
    found = messages_with_values()
    listed = set(TRIGGERS) | set(NOT_PEOPLES_WORDS)
    assert not found - listed, f"add each to TRIGGERS or NOT_PEOPLES_WORDS: {found - listed}"
    assert not listed - found, f"these messages are gone: {listed - found}"


def test_every_message_that_quotes_what_someone_wrote_shows_it_as_inert_text(world):
    """Each message is brought about by a request with markers in its values; it shows them
    escaped, inside hx-disable."""
    findings = Findings(world)
    not_shown = []
    for (module, function, message), trigger in TRIGGERS.items():
        html = trigger(world)
        findings.check(html, trigger.__qualname__, f"{module} {function}: {message!r}")
        pattern = message_pattern(message)
        text = page_text(html)
        if not any(
            MARKER.search(value or "")
            for found in pattern.finditer(text)
            for value in found.groupdict().values()
        ):
            not_shown.append(f"{module} {function}: {message!r}")
    assert not findings.problems, findings.report()
    assert not not_shown, "not shown with a marker in its values:\n" + "\n".join(not_shown)


# --- Every page in every language ----------------------------------------------------------


@pytest.mark.parametrize("world", ["sqlite"], indirect=True)
def test_every_page_renders_in_every_language_for_everyone(world):
    """Every page of the URL map, for each role, in each shipped language but English (which
    the sweep above reads): no server error, and the page says its language and direction.
    Pages a role cannot open (their refusals are worded in one template, read in every
    language in tests/test_languages.py) are read in English only. One database: the words
    are the same on both."""
    failures = []
    roles = {who: world.people[who] for who in (ANONYMOUS, AUTHOR, STAFF, REVIEWER, ADMIN)}
    opened = []
    for _endpoint, url in page_urls(world):
        for who, person in roles.items():
            response = person.open(url)
            assert response.status_code < 500, f"{who}: GET {url}"
            if response.status_code == 200 and response.mimetype == "text/html":
                opened.append((who, url))
    for language in SHIPPED.values():
        if language.code == "en":
            continue
        for person in roles.values():
            person.client.set_cookie(COOKIE, language.code)
        opening = f'<html lang="{language.tag}" dir="{language.direction}">'
        for who, url in opened:
            response = roles[who].open(url)
            where = f"{language.code} {who}: GET {url}"
            if response.status_code != 200:
                failures.append(f"{where}: {response.status_code}")
            elif response.get_data(as_text=True).startswith("<!doctype") and opening not in (
                response.get_data(as_text=True)
            ):
                failures.append(f"{where}: not marked {opening}")
    for person in roles.values():
        person.client.delete_cookie(COOKIE)
    assert failures == [], "\n".join(failures[:40])

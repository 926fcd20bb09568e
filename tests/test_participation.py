"""The participation report, its audited unrounded view and the public "Our year in numbers"."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.account.services import erase_accounts
from app.evidence.coverage import Scope
from app.evidence.participation import participation, year_in_numbers
from app.evidence.public import NUMBERS_FRESH_FOR
from app.extensions import db
from app.models import (
    AuditEntry,
    Branch,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    JoinCode,
    Role,
    ServiceStatus,
    ServiceStatusChange,
    Vote,
)
from app.models.codesign import VolunteerStatus
from tests.conftest import PASSWORD, csrf_token


def at(month: int, day: int) -> datetime:
    """A moment of 2025."""
    return datetime(2025, month, day, 12, tzinfo=UTC)


def vote(user, idea, when: datetime) -> Vote:
    """A vote straight in the database, at a known moment."""
    row = Vote(user_id=user.id if user else None, idea_id=idea.id, created_at=when)
    db.session.add(row)
    return row


@pytest.fixture
def world(make):
    """Hand-counted. Library service A: consultation c1 at branch "North", c2 at none.

    yp1 (14-16, en) proposed i1 (c1) and voted for i2. yp2 (11-13, ar) proposed i2 (c2, in
    Arabic), voted for i1 and co-designed i1. yp3 (no age band, en, joined 2020) voted for i1.
    A deleted account proposed i3 (c1) and voted for i1. Staff voted for i1 (never counted).
    Library service B: yp5 proposed "far" (never counted in A).
    Ideas in March 2025; votes: yp1 12 March, deleted 15 March, yp2 2 April, yp3 3 April.
    """
    a = make.library_service("Alpha libraries")
    north = Branch(library_service=a, name="North")
    db.session.add(north)
    db.session.commit()
    c1 = make.consultation(library_service=a, branch=north)
    c2 = make.consultation(library_service=a)
    c2.question = "Where should we meet?"
    far = make.consultation()
    staff_a = make.staff(a)
    staff_b = make.staff(far.library_service)
    yp1, yp2, yp3, gone = make.user(), make.user(), make.user(), make.user()
    yp2.age_band, yp2.language = "11-13", "ar"
    yp3.age_band = None
    yp3.created_at = datetime(2020, 1, 1, tzinfo=UTC)
    i1 = make.idea(c1, author=yp1)
    i2 = make.idea(c2, author=yp2)
    i3 = make.idea(c1, author=gone)
    i2.language = "ar"
    far_idea = make.idea(far)
    for idea in (i1, i2, i3, far_idea):
        idea.created_at = at(3, 10)
    vote(yp1, i2, at(3, 12))
    vote(gone, i1, at(3, 15))
    vote(yp2, i1, at(4, 2))
    vote(yp3, i1, at(4, 3))
    vote(staff_a, i1, at(4, 5))
    db.session.add(
        CodesignVolunteer(
            idea_id=i1.id, user_id=yp2.id, status=VolunteerStatus.ACCEPTED, created_at=at(4, 10)
        )
    )
    # An offer still waiting is no co-design yet.
    db.session.add(CodesignVolunteer(idea_id=i1.id, user_id=yp3.id, created_at=at(4, 11)))
    for label, uses, service in (
        ("Year 7 visit", 3, a),
        ("Refugee group", 7, a),
        ("B", 2, far.library_service),
    ):
        db.session.add(
            JoinCode(
                code=f"CODE{uses}{service.id}",
                label=label,
                library_service=service,
                expires_at=at(12, 1),
                max_uses=50,
                uses=uses,
                created_at=at(3, 1),
            )
        )
    made = CodesignService(
        library_service=a,
        name="Tuesday club",
        summary="A club.",
        beneficiary_groups=["refugees_asylum_seekers", "young_people"],
        status=ServiceStatus.DELIVERED,
        created_at=at(3, 20),
    )
    planned = CodesignService(
        library_service=a,
        name="Quiet room",
        summary="A room.",
        beneficiary_groups=[],
        status=ServiceStatus.PLANNING,
        created_at=at(3, 20),
    )
    db.session.add_all([made, planned])
    db.session.flush()
    db.session.add(
        ServiceStatusChange(service=made, to_status=ServiceStatus.DELIVERED, created_at=at(5, 1))
    )
    for held_on, attendance in (
        (date(2025, 4, 1), {"14-16": 3, "adults": 2}),
        (date(2025, 4, 8), {"14-16": 4, "11-13": 6, "99-100": 1}),
    ):
        db.session.add(
            CodesignSession(
                service_id=made.id,
                held_on=held_on,
                place="North",
                attendance=attendance,
                decisions="Tuesdays.",
            )
        )
    db.session.commit()
    erase_accounts([gone])
    db.session.commit()
    return {"a": a, "far": far, "staff_a": staff_a, "staff_b": staff_b, "c1": c1, "c2": c2}


def counts(report, key: str) -> dict[str, list[int]]:
    """A table's true counts by row name (as only the audited staff view may show them)."""
    return {name: [c.true for c in cells] for name, cells, _total in report.table(key).rows}


def scope_of(world, **values) -> Scope:
    """Library service A, narrowed as asked."""
    return Scope(frozenset({world["a"].id}), **values)


# Columns: proposed, voted, co-designed, took part, joined, ideas, votes.
def test_age_bands_against_the_hand_count(world):
    """Each band; the unknown band holds no age band and the deleted account's idea and vote."""
    report = participation(scope_of(world))
    assert counts(report, "by_age_band") == {
        "8-10": [0] * 7,
        "11-13": [1, 1, 1, 1, 1, 1, 1],
        "14-16": [1, 1, 0, 1, 1, 1, 1],
        "17-19": [0] * 7,
        "20-25": [0] * 7,
        "Unknown": [0, 1, 0, 1, 1, 1, 2],
    }
    totals = [f.true for f in report.table("by_age_band").figures.column_totals]
    assert totals == [2, 3, 1, 3, 3, 3, 4]


def test_branches_consultations_and_library_services(world):
    """The consultation's branch, or the whole library service; each consultation."""
    report = participation(scope_of(world))
    assert counts(report, "by_branch") == {
        "North": [1, 2, 1, 3, 3, 2, 3],
        "Whole library service": [1, 1, 0, 2, 2, 1, 1],
    }
    assert counts(report, "by_library_service") == {"Alpha libraries": [2, 3, 1, 3, 3, 3, 4]}
    assert counts(report, "by_consultation") == {
        "What should the library do?": [1, 2, 1, 3, 3, 2, 3],
        "Where should we meet?": [1, 1, 0, 2, 2, 1, 1],
    }


def test_languages_of_people_and_of_ideas(world):
    """People by the language they chose (votes too); ideas by the language written in."""
    report = participation(scope_of(world))
    # Columns: proposed, voted, co-designed, took part, joined, votes.
    assert counts(report, "by_language") == {
        "English": [1, 2, 0, 2, 2, 2],
        "العربية": [1, 1, 1, 1, 1, 1],
        "Unknown": [0, 0, 0, 0, 0, 1],
    }
    assert counts(report, "ideas_by_language") == {"English": [2], "العربية": [1]}


def test_months_and_the_trend(world):
    """By month of the idea, vote or accepted offer; the trend holds shown figures only."""
    report = participation(scope_of(world))
    assert counts(report, "by_month") == {
        "2025-03": [2, 1, 0, 2, 2, 3, 2],
        "2025-04": [0, 2, 1, 2, 2, 0, 2],
    }
    assert [m.label for m in report.months] == ["2025-03", "2025-04"]
    assert [str(m.ideas) for m in report.months] == ["fewer than 5", "0"]


def test_period_and_consultation_narrow_the_counts(world):
    """From April: only April's votes and offer; yp3 joined in 2020, so one joined."""
    april = participation(scope_of(world, start=date(2025, 4, 1)))
    assert counts(april, "by_library_service") == {"Alpha libraries": [0, 2, 1, 2, 1, 0, 2]}
    second = participation(scope_of(world, consultation_id=world["c2"].id))
    assert counts(second, "by_library_service") == {"Alpha libraries": [1, 1, 0, 2, 2, 1, 1]}
    far = participation(Scope(frozenset({world["far"].library_service_id})))
    assert counts(far, "by_library_service")[world["far"].library_service.name][5] == 1


def test_join_codes_sessions_and_services(world):
    """Join codes by group name; attendance by band with unknown; services by group."""
    report = participation(scope_of(world))
    assert counts(report, "by_join_code") == {"Refugee group": [7], "Year 7 visit": [3]}
    attendance = counts(report, "attendance")
    assert attendance["14-16"] == [7] and attendance["11-13"] == [6]
    assert attendance["Adults"] == [2] and attendance["Unknown"] == [1]
    groups = counts(report, "by_beneficiary_group")
    assert groups["Young refugees and asylum seekers"] == [1, 1]
    assert groups["Young people in the library service's area"] == [1, 1]
    assert groups["Not said"] == [1, 0]
    assert groups["Local communities as a whole"] == [0, 0]


def test_query_count_is_fixed(make, count_queries, world):
    """As many queries for a little data as for more."""
    scope = scope_of(world)
    with count_queries() as few:
        participation(scope)
    for _ in range(4):
        idea = make.idea(world["c1"])
        vote(make.user(), idea, at(6, 1))
    db.session.commit()
    with count_queries() as many:
        participation(scope)
    assert len(few) == len(many) > 0


def test_page_shows_controlled_figures_tables_and_charts(client, make, login, world):
    """Counts of 1 to 4 show as "fewer than 5"; every table has a caption; charts are SVG."""
    login(make.user(Role.QLP_REVIEWER))
    response = client.get(f"/evidence/participation?library_service={world['a'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<caption>") >= 10 and 'role="img"' in html
    assert "fewer than 5" in html and "Unknown" in html and "Whole library service" in html
    age = html.split('id="table-by_age_band"', 1)[1].split("</table>", 1)[0]
    assert not re.search(r">\s*[1-4]\s*<", age)
    charts = re.findall(r'<svg class="trend-chart".*?</svg>', html, re.S)
    assert len(charts) == 3 and all("style=" not in c and "<title" in c for c in charts)
    assert "Show unrounded figures" not in html


def test_charts_are_mirrored_right_to_left(client, make, login, world):
    """In Arabic, the first month's bar sits at the other side."""
    login(make.user(Role.QLP_REVIEWER))
    url = f"/evidence/participation?library_service={world['a'].id}"
    first = re.compile(r'class="trend-chart".*?<rect x="(\d+)"', re.S)
    ltr = first.search(client.get(url).get_data(as_text=True)).group(1)
    rtl = first.search(client.get(url + "&lang=ar").get_data(as_text=True)).group(1)
    assert ltr != rtl


def test_roles(app, client, make, world):
    """Young people are refused; staff of another service cannot choose it; reviewers see all."""
    assert client.get("/evidence/participation").status_code == 302
    assert signed_in(app, make.user()).get("/evidence/participation").status_code == 403
    other = signed_in(app, world["staff_b"])
    assert other.get(f"/evidence/participation?library_service={world['a'].id}").status_code == 400
    html = other.get("/evidence/participation").get_data(as_text=True)
    assert "Alpha libraries" not in html
    html = (
        signed_in(app, make.user(Role.QLP_REVIEWER))
        .get("/evidence/participation")
        .get_data(as_text=True)
    )
    assert "Alpha libraries" in html and world["far"].library_service.name in html


class Device:
    """A browser of its own, signed in as someone: each request in an application context of
    its own, as in production, so nothing (the person, the CSRF token) carries over in `g`."""

    def __init__(self, app, user):
        self.app, self.client = app, app.test_client()
        data = {"username": user.username, "password": PASSWORD, "csrf_token": self.token()}
        assert self.post("/sign-in", data=data).status_code == 303

    def token(self) -> str:
        """The CSRF token of the page a form would be sent from."""
        with self.app.app_context():
            return csrf_token(self.client)

    def get(self, url: str):
        with self.app.app_context():
            response = self.client.get(url)
            response.get_data()
            return response

    def post(self, url: str, data: dict | None = None):
        with self.app.app_context():
            response = self.client.post(url, data=data)
            response.get_data()
            return response

    def html(self, url: str) -> str:
        return self.get(url).get_data(as_text=True)


def signed_in(app, user) -> Device:
    """A device of its own, signed in as `user` through the form."""
    return Device(app, user)


def audit_count() -> int:
    return db.session.execute(
        select(func.count()).where(AuditEntry.action == "evidence.unrounded_view")
    ).scalar_one()


def test_own_staff_see_unrounded_figures_after_an_audited_request(client, login, world):
    """The POST records the view, then the page shows true counts and says so."""
    login(world["staff_a"])
    url = f"/evidence/participation?library_service={world['a'].id}"
    html = client.get(url).get_data(as_text=True)
    assert "Show unrounded figures" in html and "for your eyes only" not in html
    # A made-up token shows nothing more, and writes nothing.
    forged = client.get(url + "&unrounded=made-up").get_data(as_text=True)
    assert "for your eyes only" not in forged and audit_count() == 0
    token = csrf_token(client)
    action = f"/evidence/participation/unrounded?library_service={world['a'].id}"
    assert client.post(action).status_code == 400
    response = client.post(action, data={"csrf_token": token})
    assert response.status_code == 303 and audit_count() == 1
    html = client.get(response.location).get_data(as_text=True)
    assert "Unrounded: for your eyes only, do not copy into reports." in html
    age = html.split('id="table-by_age_band"', 1)[1].split("</table>", 1)[0]
    assert re.search(r">3<", age) and "fewer than" not in age
    entry = db.session.execute(select(AuditEntry)).scalars().all()[-1]
    assert entry.subject_id == world["a"].id and entry.actor_id == world["staff_a"].id


def test_unrounded_is_refused_to_reviewers_admins_and_other_staff(app, make, world):
    """Only a library service's own staff, for that one service, may ask; nothing is audited."""
    action = f"/evidence/participation/unrounded?library_service={world['a'].id}"
    for person in (make.user(Role.QLP_REVIEWER), make.user(Role.ADMIN)):
        client = signed_in(app, person)
        assert client.post(action, data={"csrf_token": client.token()}).status_code == 403
        html = client.get(f"/evidence/participation?library_service={world['a'].id}").get_data(
            as_text=True
        )
        assert "Show unrounded figures" not in html
    # Staff of another library service cannot even name this one in the filter.
    client = signed_in(app, world["staff_b"])
    assert client.post(action, data={"csrf_token": client.token()}).status_code == 400
    # Nor can a member of both ask for both at once.
    both = make.staff(world["a"], world["far"].library_service)
    client = signed_in(app, both)
    every = "/evidence/participation/unrounded"
    assert client.post(every, data={"csrf_token": client.token()}).status_code == 403
    assert audit_count() == 0


def test_a_token_works_only_for_whom_it_was_given(app, make, world):
    """Another member of the same staff cannot use someone else's unrounded address."""
    client = signed_in(app, world["staff_a"])
    action = f"/evidence/participation/unrounded?library_service={world['a'].id}"
    location = client.post(action, data={"csrf_token": client.token()}).location
    assert "for your eyes only" in client.get(location).get_data(as_text=True)
    colleague = signed_in(app, make.staff(world["a"]))
    assert "for your eyes only" not in colleague.get(location).get_data(as_text=True)


@pytest.fixture
def recent(make):
    """A library service with, in the last year, six votes by six people for two ideas."""
    consultation = make.consultation()
    ideas = [make.idea(consultation), make.idea(consultation)]
    for index in range(6):
        vote(make.user(), ideas[index % 2], datetime.now(UTC) - timedelta(days=3))
    old = make.idea(consultation)
    old.created_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    return consultation.library_service


def test_year_in_numbers_counts_the_last_year(recent):
    """Ideas of the last twelve months only; people who proposed or voted."""
    numbers = year_in_numbers(recent.id)
    assert (numbers.ideas, numbers.votes, numbers.took_part) == (2, 6, 8)
    assert numbers.services_made == 0


def test_public_page_shows_controlled_figures_only(client, recent):
    """No sign-in needed; 6 votes show as 5, 2 ideas as "fewer than 5"; a list links to it."""
    listing = client.get("/numbers").get_data(as_text=True)
    assert f"/numbers/{recent.id}" in listing
    response = client.get(f"/numbers/{recent.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "fewer than 5" in html and ">5<" in html and ">6<" not in html
    assert "/you-said-we-did" in html or "you-said" in html
    assert client.get("/numbers/999999").status_code == 404


def test_the_public_page_counts_a_year_at_most_every_few_minutes(
    client, make, recent, count_queries
):
    """Anyone may load it, so a second visit soon after reads no votes; a stale count is
    counted again."""
    client.get(f"/numbers/{recent.id}")
    with count_queries() as soon:
        client.get(f"/numbers/{recent.id}")
    assert not [statement for statement in soon.statements if "votes" in statement.lower()]
    idea = make.idea(make.consultation(library_service=recent))
    for _voter in range(4):
        vote(make.user(), idea, datetime.now(UTC) - timedelta(days=1))
    db.session.commit()
    assert ">5<" in client.get(f"/numbers/{recent.id}").get_data(as_text=True)  # still 6
    counted = current_app.extensions["year_in_numbers"]
    expires, kept = counted[recent.id]
    counted[recent.id] = (expires - NUMBERS_FRESH_FOR, kept)
    html = client.get(f"/numbers/{recent.id}").get_data(as_text=True)
    assert ">10<" in html  # 6 + 4 votes, counted afresh

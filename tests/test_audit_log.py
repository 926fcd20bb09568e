"""The audit log: admins read and export it by person, action and day, and nothing changes it."""

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from wtforms.fields.core import UnboundField

from app.admin import audit_log
from app.admin.services import add_library_service, add_membership, set_role
from app.codesign.services import create_partner, link_service_outcome
from app.evidence.packs import PackRequest, publish_pack
from app.extensions import db
from app.joincodes.services import create_join_code
from app.models import (
    AuditEntry,
    BestValuePack,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    JoinCode,
    LibraryService,
    Notice,
    Outcome,
    OutcomeLink,
    Partner,
    QlpRating,
    QlpReview,
    Role,
    SafeguardingConcern,
    ServiceOutcomeLink,
    SignIn,
    StaffMembership,
    User,
    WordingSuggestion,
    utcnow,
)
from app.moderation.services import link_outcome
from app.review.services import start_review
from app.spreadsheets import spreadsheet_safe
from tests.conftest import csrf_token


def entry(actor: User | None, action: str, when: datetime | None = None, **detail) -> AuditEntry:
    """An audit entry written straight to the log, at `when` if given."""
    row = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type="Idea",
        subject_id=7,
        detail=detail,
        created_at=when or utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def admin(make, login):
    """A signed-in admin."""
    return login(make.user(Role.ADMIN, username="Ada_admin"))


def shown(client, query: str = "") -> str:
    """The audit log page's HTML for a query string."""
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


# --- Reading the log ---------------------------------------------------------------------------


def test_entries_are_shown_newest_first_with_who_did_what(client, admin, make):
    """Time, person, action, subject and detail, the newest entry on top."""
    staff = make.staff(username="Sam_staff")
    entry(staff, "idea.status", utcnow() - timedelta(hours=2), to="published")
    entry(admin, "user.role", utcnow() - timedelta(hours=1), role="staff")
    html = shown(client)
    assert html.index("<code>user.role</code>") < html.index("<code>idea.status</code>")
    assert "Sam_staff" in html and "published" in html and "Idea 7" in html


def test_detail_is_shown_escaped(client, admin):
    """Markup typed into a form by staff is shown as text, never run."""
    entry(admin, "outcome.link", rationale="<script>alert(1)</script>", previous={"a": 1})
    html = shown(client)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{&#34;a&#34;: 1}" in html


def test_person_filter_matches_the_whole_name_whatever_its_letter_case(client, admin, make):
    """ "sam_STAFF" finds Sam_staff's entries, and nobody else's; "Sam" finds no one."""
    sam, other = make.staff(username="Sam_staff"), make.staff(username="Sam_staff2")
    entry(sam, "session.log")
    entry(other, "skill.record")
    html = shown(client, "?person=sam_STAFF")
    assert "<code>session.log</code>" in html and "<code>skill.record</code>" not in html
    response = client.get("/admin/audit?person=Sam")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "No account is called “Sam”." in html
    assert "<code>" not in html


def test_action_filter_offers_each_action_once_and_narrows_the_log(client, admin):
    """The list of actions comes from the log; choosing one shows only its entries."""
    for action in ["idea.status", "user.role", "idea.status", "branch.add"]:
        entry(admin, action)
    assert audit_log.known_actions() == ["branch.add", "idea.status", "user.role"]
    html = shown(client, "?action=branch.add")
    assert html.count("<code>branch.add</code>") == 1
    assert "<code>idea.status</code>" not in html
    assert client.get("/admin/audit?action=made.up").status_code == 400


def test_days_are_the_libraries_days_and_include_the_last_one(client, admin):
    """23:30 UTC on 30 June is 00:30 on 1 July in London, so it belongs to 1 July."""
    entry(admin, "late.june", datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    entry(admin, "first.july", datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    entry(admin, "second.july", datetime(2026, 7, 2, 22, 59, tzinfo=UTC))
    entry(admin, "third.july", datetime(2026, 7, 2, 23, 0, tzinfo=UTC))
    html = shown(client, "?since=2026-07-01&until=2026-07-02")
    assert "<code>first.july</code>" in html and "<code>second.july</code>" in html
    assert "<code>late.june</code>" not in html and "<code>third.july</code>" not in html


def test_a_last_day_before_the_first_is_a_form_error(client, admin):
    """The form says what is wrong and shows no entries."""
    entry(admin, "user.role")
    response = client.get("/admin/audit?since=2026-07-02&until=2026-07-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please give a last day on or after the first day." in html
    assert "<code>user.role</code>" not in html


def test_filters_stay_in_the_address_of_the_next_page_and_the_export(client, admin):
    """ "Show more" and the CSV link keep the filter, so nothing is lost on the way."""
    for _ in range(25):
        entry(admin, "user.role")
    html = shown(client, "?person=ada_admin&action=user.role&since=2026-01-01")
    assert (
        'href="/admin/audit?person=ada_admin&amp;action=user.role&amp;since=2026-01-01&amp;after='
        in html
    )
    assert (
        'href="/admin/audit.csv?person=ada_admin&amp;action=user.role&amp;since=2026-01-01"' in html
    )


def test_the_log_costs_the_same_queries_at_5_and_at_50_entries(
    app, client, admin, make, count_queries
):
    """Each entry's person is loaded with the page, not one query per entry."""

    def measure() -> int:
        with count_queries() as counted:
            assert client.get("/admin/audit").status_code == 200
        return len(counted)

    people = [make.staff() for _ in range(5)]
    for person in people:
        entry(person, "session.log")
    at_5 = measure()
    for person in itertools.islice(
        itertools.cycle([*people, *[make.staff() for _ in range(5)]]), 45
    ):
        entry(person, "session.log")
    assert measure() == at_5


def test_the_admin_page_links_to_the_log(client, admin):
    """Admins find the log from their own page."""
    assert 'href="/admin/audit"' in client.get("/admin/").get_data(as_text=True)


def test_only_admins_read_the_log(client, make, login):
    """Staff are refused the log and its export."""
    login(make.staff())
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_an_entry_without_a_person_is_shown_as_a_young_persons_own_action(admin, make):
    """Young people's own actions are recorded without who took them."""
    assert audit_log.actor_name(None) == "a young person"
    assert audit_log.actor_name("Ada_admin") == "Ada_admin"


# --- The CSV export ----------------------------------------------------------------------------


def exported(client, query: str = "") -> list[list[str]]:
    """The rows of the CSV export for a query string, header first."""
    response = client.get(f"/admin/audit.csv{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_export_has_a_header_and_every_entry_newest_first(client, admin):
    """One row per entry, with the time in the libraries' timezone and the detail as JSON."""
    first = entry(admin, "branch.add", datetime(2026, 7, 1, 9, 0, tzinfo=UTC), name="Central")
    second = entry(admin, "user.role", datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    rows = exported(client)
    assert rows[0] == ["Entry", "Time", "Person", "Action", "Subject", "Subject id", "Detail"]
    assert rows[1][:4] == [str(second.id), "2026-07-01T11:00:00+01:00", "Ada_admin", "user.role"]
    assert rows[2] == [
        str(first.id),
        "2026-07-01T10:00:00+01:00",
        "Ada_admin",
        "branch.add",
        "Idea",
        "7",
        '{"name": "Central"}',
    ]
    assert len(rows) == 3


def test_export_keeps_to_the_filter(client, admin, make):
    """The same filters as the page: here one person."""
    entry(make.staff(username="Sam_staff"), "session.log")
    entry(admin, "user.role")
    rows = exported(client, "?person=SAM_staff")
    assert [row[3] for row in rows[1:]] == ["session.log"]
    assert client.get("/admin/audit.csv?since=2026-07-02&until=2026-07-01").status_code == 400


def test_export_reads_the_log_in_batches_and_misses_none(client, admin, monkeypatch):
    """Batches of 3 over 7 entries: every entry once, in order."""
    monkeypatch.setattr(audit_log, "EXPORT_BATCH", 3)
    ids = [entry(admin, "user.role").id for _ in range(7)]
    rows = exported(client)
    assert [int(row[0]) for row in rows[1:]] == ids[::-1]


def test_export_cells_cannot_become_spreadsheet_formulas(client, admin, make):
    """A name or detail starting =, +, -, @, tab or CR gets an apostrophe first."""
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert spreadsheet_safe(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert spreadsheet_safe("Central library") == "Central library"
    assert spreadsheet_safe(None) == ""
    db.session.add(
        AuditEntry(actor_id=admin.id, action="=cmd|' /C calc'!A0", subject_type="@SUM(1)")
    )
    db.session.commit()
    row = exported(client)[1]
    assert row[3] == "'=cmd|' /C calc'!A0"
    assert row[4] == "'@SUM(1)"


# --- Append-only -------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_entry(admin):
    """Raw SQL, past the application's own checks, is refused by the database's triggers."""
    kept = entry(admin, "user.role", role="staff")
    for statement in [
        "UPDATE audit_entries SET action = 'nothing.happened'",
        "UPDATE audit_entries SET actor_id = NULL",
        "UPDATE audit_entries SET actor_id = NULL, detail = '{}'",
        "DELETE FROM audit_entries",
    ]:
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEntry, kept.id).action == "user.role"


def _world(make) -> User:
    """Rows of every kind a route's address can name, and audit entries from staff actions.

    Returns the admin who did some of them.
    """
    admin = make.user(Role.ADMIN)
    idea = make.idea()
    library_service = idea.consultation.library_service
    member = make.staff(library_service)
    service = make.codesign_service(make.accepted_idea(idea.consultation))
    reviewer = make.user(Role.QLP_REVIEWER)
    db.session.add_all(
        [
            CodesignVolunteer(idea=service.ideas[0], user=make.user()),
            CodesignSession(
                service=service, held_on=date(2026, 1, 5), place="Central", decisions="Fridays."
            ),
            SafeguardingConcern(
                library_service_id=library_service.id, idea_id=idea.id, concern="Worried."
            ),
        ]
    )
    db.session.commit()
    add_library_service(admin, "Northtown Libraries")
    # A name of its own: once staff, a name like young_1 would bar young people like young_2.
    set_role(make.user(username="promoted_reader"), admin, Role.STAFF, True)
    add_membership(admin, make.staff(), library_service.id)
    link_outcome(idea, "qlp.aim.c", member, "Youth-led.")
    link_service_outcome(service, "qlp.aim.a", member, "Planned with them.")
    create_partner(member, "Youth Action Group", "community", service=service)
    start_review(service, reviewer, date(2026, 1, 1), date(2026, 1, 31))
    with current_app.test_request_context():
        publish_pack(admin, PackRequest(library_service, date(2026, 1, 1), date(2026, 12, 31)))
    link_outcome(make.idea(idea.consultation), "qlp.aim.b", member, "Reaches new readers.")
    create_join_code(member, label="Year 7", library_service_id=library_service.id)
    return admin


# Each argument a route's address can have, and the rows whose ids fill it in. A route with
# an argument missing here fails the test below: add the argument, so the route is covered.
ROW_ARGUMENTS = {
    "library_service_id": [LibraryService],
    "consultation_id": [Consultation],
    "idea_id": [Idea],
    "user_id": [User],
    "membership_id": [StaffMembership],
    "link_id": [OutcomeLink, ServiceOutcomeLink],
    "service_id": [CodesignService],
    "partner_id": [Partner],
    "outcome_id": [Outcome],
    "session_id": [CodesignSession],
    "volunteer_id": [CodesignVolunteer],
    "review_id": [QlpReview],
    "rating_id": [QlpRating],
    "concern_id": [SafeguardingConcern],
    "sign_in_id": [SignIn],
    "join_code_id": [JoinCode],
    "notice_id": [Notice],
    "suggestion_id": [WordingSuggestion],
    "pack_id": [BestValuePack],
}
OTHER_ARGUMENTS = {"code": ["qlp.aim.c"], "filename": ["css/app.css"], "token": ["no-such-pack"]}


def _argument_values(rule) -> list[dict]:
    """Every way to fill in a rule's arguments with rows that exist; fails on an unknown one."""
    choices = {}
    for name in sorted(rule.arguments):
        if name in OTHER_ARGUMENTS:
            choices[name] = OTHER_ARGUMENTS[name]
        elif name in ROW_ARGUMENTS:
            choices[name] = [
                db.session.execute(select(model.id).order_by(model.id)).scalars().first()
                for model in ROW_ARGUMENTS[name]
            ]
            assert None not in choices[name], f"no row to fill <{name}> of {rule.rule}"
        else:
            pytest.fail(f"{rule.rule} has an argument <{name}> this test cannot fill in")
    return [
        dict(zip(choices, values, strict=True)) for values in itertools.product(*choices.values())
    ]


def _form_field_names() -> set[str]:
    """The name of every field of every form in the application."""
    names, pending = set(), [FlaskForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(
            name for name, value in vars(form_class).items() if isinstance(value, UnboundField)
        )
    return names


def _snapshot() -> dict[int, dict]:
    """Every audit entry as the database holds it, by id."""
    rows = db.session.execute(text("SELECT * FROM audit_entries")).all()
    return {row.id: row._asdict() for row in rows}


def test_no_route_changes_or_deletes_an_audit_entry(app, client, make, login):
    """Every method of every route, as an admin, with an empty form and one of made-up values.

    New entries may be written; every entry there before is still there, exactly as it was.
    """
    admin = _world(make)
    before = _snapshot()
    assert len(before) >= 8
    fields = _form_field_names()
    datasets = [{}, {name: "1" for name in fields} | {"next": "/admin/"}]
    urls = app.url_map.bind("localhost")
    called = set()
    login(admin)
    token = csrf_token(client)
    for rule in app.url_map.iter_rules():
        for values, method, data in itertools.product(
            _argument_values(rule), sorted(rule.methods - {"HEAD", "OPTIONS"}), datasets
        ):
            path = urls.build(rule.endpoint, values, method=method)
            if method == "GET":
                response = client.get(path, query_string=data)
            else:
                response = client.open(path, method=method, data={"csrf_token": token, **data})
            response.get_data()
            response.close()
            called.add((rule.rule, rule.endpoint))
            # A sign-out route signs the admin out: sign in again, so later routes are tried
            # with every power there is.
            if method != "GET" and client.get("/admin/library-services").status_code != 200:
                login(admin)
                token = csrf_token(client)
    assert called == {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()}
    db.session.expire_all()
    after = _snapshot()
    assert {entry_id: after.get(entry_id) for entry_id in before} == before

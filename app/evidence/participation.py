"""The participation report: who took part, ideas and votes, by age band, place, language, month.

`participation(scope)` counts from the source rows (ideas, votes, accepted offers to help design
an idea, join codes, sessions, services), never from stored counters, in a fixed number of
queries whatever the data: one statement reads the votes once, reduced to a row for each
person, kind, consultation and month, and groups every dimension's table from that; one GROUP
BY more for each of the other tables. Young people only: staff's ideas and votes are left out,
and so are deleted accounts, whose ideas and votes are kept without an author (they count as
ideas and votes, never as people).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from app.evidence.coverage import Scope, in_period, in_scope
from app.evidence.disclosure import Figure
from app.evidence.tables import Column, FigureTable, figure_table
from app.extensions import db
from app.i18n import _
from app.labels import BENEFICIARY_LABELS
from app.languages import SHIPPED
from app.models import (
    AGE_BANDS,
    Branch,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    JoinCode,
    LibraryService,
    Role,
    ServiceStatus,
    ServiceStatusChange,
    User,
    Vote,
)
from app.models.codesign import BeneficiaryGroup, VolunteerStatus

IDEA, VOTE, CODESIGN = "idea", "vote", "codesign"
# Statuses of a service that young people can use: "services made".
MADE = (ServiceStatus.DELIVERED, ServiceStatus.MAINSTREAMED)
# The key of adults in a session's attendance (aim d: generations together).
ADULTS = "adults"


@dataclass(frozen=True)
class Month:
    """One month of the trend: its name and the row of the month table that holds its figures."""

    label: str
    ideas: Figure
    votes: Figure
    people: Figure


@dataclass(frozen=True)
class Participation:
    """The report: its tables in reading order and the month trend the charts draw."""

    tables: list[FigureTable]
    months: list[Month]

    def table(self, key: str) -> FigureTable:
        """The table named `key`."""
        return next(t for t in self.tables if t.key == key)


def _events(scope: Scope):
    """Each idea, vote and accepted offer to co-design in scope, with who and when (a subquery)."""
    in_consultation = in_scope(scope, consultation=Idea.consultation_id)
    ideas = select(
        Idea.id.label("item"),
        literal(IDEA).label("kind"),
        Idea.author_id.label("person"),
        Idea.consultation_id.label("consultation_id"),
        Idea.created_at.label("at"),
    ).where(*in_period(Idea.created_at, scope), *in_consultation)
    votes = (
        select(
            Vote.id,
            literal(VOTE),
            Vote.user_id,
            Idea.consultation_id,
            Vote.created_at,
        )
        .join(Idea, Idea.id == Vote.idea_id)
        .where(*in_period(Vote.created_at, scope), *in_consultation)
    )
    volunteers = (
        select(
            CodesignVolunteer.id,
            literal(CODESIGN),
            CodesignVolunteer.user_id,
            Idea.consultation_id,
            CodesignVolunteer.created_at,
        )
        .join(Idea, Idea.id == CodesignVolunteer.idea_id)
        .where(
            CodesignVolunteer.status == VolunteerStatus.ACCEPTED,
            *in_period(CodesignVolunteer.created_at, scope),
            *in_consultation,
        )
    )
    return union_all(ideas, votes, volunteers).subquery("events")


def _acts(scope: Scope):
    """The scope's ideas, votes and accepted offers reduced to one row for each person, kind,
    consultation and month (with how many), young people's and deleted accounts' only: the one
    pass over the votes that every table of the report then reads (a common table expression)."""
    events = _events(scope)
    month = _month(events.c.at).label("month")
    # Reduced first, then joined to the people: the join reads a few rows a person, not each vote.
    reduced = (
        select(
            events.c.person.label("person"),
            events.c.kind.label("kind"),
            events.c.consultation_id.label("consultation_id"),
            month,
            func.count().label("n"),
        )
        .select_from(events)
        .join(Consultation, Consultation.id == events.c.consultation_id)
        .where(*in_scope(scope, Consultation.library_service_id))
        .group_by(events.c.person, events.c.kind, events.c.consultation_id, month)
        .subquery("reduced")
    )
    statement = (
        select(
            reduced,
            User.age_band.label("age_band"),
            User.language.label("language"),
            User.created_at.label("joined_at"),
        )
        .outerjoin(User, User.id == reduced.c.person)
        .where(or_(User.id.is_(None), User.role == Role.YOUNG_PERSON))
    )
    return statement.cte("acts")


def _by_dimension(scope: Scope) -> dict[str, list[tuple[str | None, str | None, str | None, list]]]:
    """For each dimension, its rows: (key, name, extra name, the seven counts of `_columns`).

    One statement: the dimensions' GROUP BYs over one reduction of the events, joined by
    UNION ALL, so the votes are read once however many tables there are.
    """
    acts = _acts(scope)
    person = acts.c.person
    joined = in_period(acts.c.joined_at, scope)

    def people(kind: str):
        """Young people who did `kind` (a deleted account's rows have no person)."""
        return func.count(distinct(case((acts.c.kind == kind, person))))

    def items(kind: str):
        """Ideas or votes, whoever made them."""
        return func.coalesce(func.sum(case((acts.c.kind == kind, acts.c.n), else_=0)), 0)

    def grouped(dimension: str, key, name=None, extra=None, joins=()):
        """One dimension's GROUP BY, its key, name and extra name as text for the union."""
        keys = [k for k in (key, name, extra) if k is not None]
        statement = select(
            literal(dimension, String).label("dimension"),
            cast(key, String).label("key"),
            (cast(name, String) if name is not None else null()).label("name"),
            (cast(extra, String) if extra is not None else null()).label("extra"),
            people(IDEA),
            people(VOTE),
            people(CODESIGN),
            func.count(distinct(person)),
            func.count(distinct(case((and_(*joined), person))))
            if joined
            else func.count(distinct(person)),
            items(IDEA),
            items(VOTE),
        ).select_from(acts)
        for table, condition, outer in joins:
            statement = statement.join(table, condition, isouter=outer)
        return statement.group_by(*keys)

    to_consultation = (Consultation, Consultation.id == acts.c.consultation_id, False)
    to_service = (LibraryService, LibraryService.id == Consultation.library_service_id, False)
    to_branch = (Branch, Branch.id == Consultation.branch_id, True)
    statement = union_all(
        grouped("age_band", acts.c.age_band),
        grouped(
            "library_service",
            Consultation.library_service_id,
            LibraryService.name,
            joins=(to_consultation, to_service),
        ),
        grouped(
            "branch",
            Consultation.branch_id,
            Branch.name,
            LibraryService.name,
            joins=(to_consultation, to_service, to_branch),
        ),
        grouped("consultation", Consultation.id, Consultation.question, joins=(to_consultation,)),
        grouped("month", acts.c.month),
        grouped("language", acts.c.language),
    )
    found: dict[str, list] = {
        d: []
        for d in ("age_band", "library_service", "branch", "consultation", "month", "language")
    }
    for dimension, key, name, extra, *counts in db.session.execute(statement).all():
        found[dimension].append((key, name, extra, [int(c) for c in counts]))
    return found


def _columns() -> tuple[Column, ...]:
    """The columns of a participation table, with what each counts."""
    once = _("A young person is counted once in each row they took part in.")
    left_out = _("Staff and deleted accounts are left out.")
    return (
        Column(
            "proposed", _("Proposed"), f"{_('Young people who sent an idea.')} {once} {left_out}"
        ),
        Column(
            "voted", _("Voted"), f"{_('Young people who voted for an idea.')} {once} {left_out}"
        ),
        Column(
            "codesigned",
            _("Co-designed"),
            f"{_('Young people whose offer to help design an idea was accepted.')} "
            f"{once} {left_out}",
        ),
        Column(
            "took_part",
            _("Took part"),
            f"{_('Young people who proposed, voted or co-designed.')} {once} {left_out}",
        ),
        Column(
            "joined",
            _("Joined"),
            f"{_('Young people whose account was made in the period and who took part.')} "
            f"{_('Accounts do not record where they were made, so this is the only way to tell.')} "
            f"{left_out}",
        ),
        Column(
            "ideas",
            _("Ideas"),
            _(
                "Ideas sent, whatever became of them, including those of deleted accounts; "
                "not staff's."
            ),
        ),
        Column(
            "votes",
            _("Votes"),
            _("Votes given, including those of deleted accounts; not staff's."),
        ),
    )


def _table(
    key: str, caption: str, row_key: str, row_heading: str, rows, columns=None
) -> FigureTable:
    """A participation table; its row totals are left out, as its columns are not parts of one
    whole (a person who voted and proposed is in both)."""
    built = figure_table(key, caption, row_key, row_heading, columns or _columns(), rows)
    return replace(built, show_row_totals=False)


def _month_label(number: int) -> str:
    """A month as year and month (202603 -> 2026-03), read the same in every language."""
    return f"{number // 100:04d}-{number % 100:02d}"


def _month(column):
    """A moment's month as a number, year * 100 + month, on either database."""
    return extract("year", column) * 100 + extract("month", column)


def _unknown() -> str:
    """The row name of whatever is not known."""
    return _("Unknown")


def _language_name(code: str | None) -> str:
    """A language's name in itself, or its code; unknown when there is none."""
    if not code:
        return _unknown()
    language = SHIPPED.get(code)
    return language.name if language else code


def participation(scope: Scope) -> Participation:
    """Every table of the report for `scope`, in a fixed number of queries."""
    unknown = _unknown()
    found = _by_dimension(scope)

    by_band = {key: counts for key, _name, _extra, counts in found["age_band"]}
    band_rows = [(band, by_band.pop(band, [0] * 7)) for band in AGE_BANDS]
    # Whatever is left is an unknown band (none, or one no longer offered).
    band_rows.append((unknown, [sum(c) for c in zip(*by_band.values(), strict=True)] or [0] * 7))

    service_rows = [
        (name, counts)
        for _key, name, _extra, counts in sorted(found["library_service"], key=lambda r: r[1])
    ]

    branches = sorted(found["branch"], key=lambda r: (r[2], r[1] or ""))
    several = len({extra for _key, _name, extra, _counts in branches}) > 1
    branch_rows = []
    for _key, branch_name, service_name, counts in branches:
        name = branch_name or _("Whole library service")
        branch_rows.append((f"{name} ({service_name})" if several else name, counts))

    # Newest consultation first.
    consultation_rows = [
        (question, counts)
        for _key, question, _extra, counts in sorted(
            found["consultation"], key=lambda r: -int(r[0])
        )
    ]

    month_rows = [
        (_month_label(int(float(key))), counts)
        for key, _name, _extra, counts in sorted(found["month"], key=lambda r: float(r[0]))
    ]

    language_rows = [
        (_language_name(key), [*counts[:5], counts[6]])
        for key, _name, _extra, counts in sorted(found["language"], key=lambda r: r[0] or "~")
    ]
    idea_languages = (
        select(Idea.language, func.count())
        .join(Consultation, Consultation.id == Idea.consultation_id)
        .outerjoin(User, User.id == Idea.author_id)
        .where(
            or_(User.id.is_(None), User.role == Role.YOUNG_PERSON),
            *in_period(Idea.created_at, scope),
        )
    )
    idea_languages = (
        _narrowed(idea_languages, scope).group_by(Idea.language).order_by(Idea.language)
    )
    idea_language_rows = [
        (_language_name(code), [count]) for code, count in db.session.execute(idea_languages).all()
    ]

    columns = _columns()
    people_language_columns = (*columns[:5], columns[6])
    tables = [
        _table("by_age_band", _("Taking part by age band"), "age_band", _("Age band"), band_rows),
        _table(
            "by_library_service",
            _("Taking part by library service"),
            "library_service",
            _("Library service"),
            service_rows,
        ),
        _table("by_branch", _("Taking part by branch"), "branch", _("Branch"), branch_rows),
        _table(
            "by_consultation",
            _("Taking part by consultation"),
            "consultation",
            _("Consultation"),
            consultation_rows,
        ),
        _table("by_month", _("Taking part by month"), "month", _("Month"), month_rows),
        _table(
            "by_language",
            _("Taking part by the language young people chose"),
            "language",
            _("Language"),
            language_rows,
            people_language_columns,
        ),
        _table(
            "ideas_by_language",
            _("Ideas by the language they were written in"),
            "language",
            _("Language"),
            idea_language_rows,
            (columns[5],),
        ),
        _join_codes(scope),
        _attendance(scope),
        _beneficiaries(scope),
    ]
    by_month = tables[4]
    months = [
        Month(label, cells[5], cells[6], cells[3])
        for (label, cells, _total) in by_month.rows
        if month_rows
    ]
    return Participation(tables=tables, months=months)


def _narrowed(statement: Select, scope: Scope) -> Select:
    """`statement` (joined to Consultation) kept to the scope's services and consultation."""
    return statement.where(*in_scope(scope, Consultation.library_service_id, Consultation.id))


def _join_codes(scope: Scope) -> FigureTable:
    """How many joined with each join code made in scope, by the group's name."""
    statement = select(JoinCode.label, func.coalesce(func.sum(JoinCode.uses), 0)).where(
        *in_period(JoinCode.created_at, scope),
        *in_scope(scope, JoinCode.library_service_id, JoinCode.consultation_id),
    )
    rows = db.session.execute(statement.group_by(JoinCode.label).order_by(JoinCode.label)).all()
    return figure_table(
        "by_join_code",
        _("Joined with a join code, by group"),
        "group",
        _("Group"),
        (
            Column(
                "uses",
                _("Joined"),
                _(
                    "Accounts made with the group's join codes, as each code counts its uses: "
                    "the only record there is, as no account records its code. Accounts "
                    "deleted since are still counted."
                ),
            ),
        ),
        [(label, [int(uses)]) for label, uses in rows],
    )


def _services(scope: Scope) -> Select:
    """Co-designed services in scope, made in the period; with a consultation, those built from
    its ideas."""
    statement = select(CodesignService).where(
        *in_period(CodesignService.created_at, scope),
        *in_scope(scope, CodesignService.library_service_id),
    )
    if scope.consultation_id is not None:
        statement = statement.where(
            CodesignService.id.in_(
                select(Idea.codesign_service_id).where(
                    Idea.consultation_id == scope.consultation_id
                )
            )
        )
    return statement


def _attendance(scope: Scope) -> FigureTable:
    """Co-design sessions' attendance by age band, from the sessions held in scope (one query;
    the counts sit in each session's JSON, so they are added up here)."""
    statement = select(CodesignSession.attendance).where(
        CodesignSession.service_id.in_(
            _services(Scope(scope.library_service_ids, scope.consultation_id)).with_only_columns(
                CodesignService.id
            )
        )
    )
    if scope.start is not None:
        statement = statement.where(CodesignSession.held_on >= scope.start)
    if scope.end is not None:
        statement = statement.where(CodesignSession.held_on <= scope.end)
    totals: Counter[str] = Counter()
    for (attendance,) in db.session.execute(statement).all():
        for band, count in (attendance or {}).items():
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                totals[band if band in (*AGE_BANDS, ADULTS) else None] += count
    rows = [(band, [totals[band]]) for band in AGE_BANDS]
    rows += [(_("Adults"), [totals[ADULTS]]), (_unknown(), [totals[None]])]
    return figure_table(
        "attendance",
        _("Co-design session attendance by age band"),
        "age_band",
        _("Age band"),
        (
            Column(
                "attended",
                _("Attended"),
                _(
                    "Places taken at co-design sessions held in the period, as staff counted "
                    "them by age band; someone who came twice counts twice."
                ),
            ),
        ),
        rows,
    )


def _beneficiaries(scope: Scope) -> FigureTable:
    """Services made in scope by who they are for (a service for two groups is in both)."""
    statement = _services(scope).with_only_columns(
        CodesignService.beneficiary_groups, CodesignService.status
    )
    known = {group.value for group in BeneficiaryGroup}
    all_services: Counter = Counter()
    made: Counter = Counter()
    for groups, status in db.session.execute(statement).all():
        keys = [g for g in (groups or []) if g in known] or [None]
        for key in keys:
            all_services[key] += 1
            made[key] += status in MADE
    rows = [
        (str(BENEFICIARY_LABELS[group]), [all_services[group.value], made[group.value]])
        for group in BeneficiaryGroup
    ]
    rows.append((_("Not said"), [all_services[None], made[None]]))
    return _table(
        "by_beneficiary_group",
        _("Services by who they are for"),
        "beneficiary_group",
        _("Who it is for"),
        rows,
        (
            Column(
                "services",
                _("Services"),
                _(
                    "Co-designed services begun in the period; a service for two groups is in "
                    "both rows."
                ),
            ),
            Column(
                "made",
                _("Delivered or mainstreamed"),
                _("Of those, the services delivered or mainstreamed now."),
            ),
        ),
    )


@dataclass(frozen=True)
class YearInNumbers:
    """A library service's last twelve months, for young people: each figure controlled."""

    took_part: int
    ideas: int
    votes: int
    services_made: int


def last_year(today: date | None = None) -> Scope:
    """The last twelve months up to today."""
    today = today or datetime.now(UTC).date()
    return Scope(start=today - timedelta(days=365), end=today)


def year_in_numbers(library_service_id: int, today: date | None = None) -> YearInNumbers:
    """How many took part, ideas, votes and services made in a library service's last year (two
    queries). The true counts: the page shows them only through disclosure.figure."""
    year = last_year(today)
    scope = replace(year, library_service_ids=frozenset({library_service_id}))
    acts = _acts(scope)
    took_part, ideas, votes = db.session.execute(
        select(
            func.count(distinct(acts.c.person)),
            func.coalesce(func.sum(case((acts.c.kind == IDEA, acts.c.n), else_=0)), 0),
            func.coalesce(func.sum(case((acts.c.kind == VOTE, acts.c.n), else_=0)), 0),
        ).select_from(acts)
    ).one()
    made = db.session.execute(
        select(func.count(distinct(CodesignService.id)))
        .join(ServiceStatusChange, ServiceStatusChange.service_id == CodesignService.id)
        .where(
            CodesignService.library_service_id == library_service_id,
            CodesignService.status.in_(MADE),
            ServiceStatusChange.to_status.in_(MADE),
            *in_period(ServiceStatusChange.created_at, scope),
        )
    ).scalar_one()
    return YearInNumbers(
        took_part=took_part, ideas=int(ideas), votes=int(votes), services_made=made
    )

"""Reading the audit log: the admins' filters, a page of entries, and the rows of its CSV export."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import to_user_timezone, to_utc
from sqlalchemy import Select, String, func, select
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.i18n import _
from app.models import AuditEntry, User
from app.pagination import Cursor, Page, paginate
from app.spreadsheets import csv_lines

# Entries read from the database at once while exporting: the export streams, so a log of
# millions of entries never sits in memory.
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: by one person, one action, and days from and to (inclusive)."""

    actor_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def find_person(name: str) -> User | None:
    """The account with this pseudonym, whatever its letter case, or None."""
    return db.session.execute(
        select(User).where(func.lower(User.username, type_=String) == name.strip().lower())
    ).scalar_one_or_none()


def known_actions() -> list[str]:
    """Every action in the log, in order, for the filter's list.

    A loose index scan: each step seeks the next action along the (action, id) index, so it
    reads one row per distinct action rather than the whole log.
    """
    steps = select(func.min(AuditEntry.action).label("action")).cte("actions", recursive=True)
    following = (
        select(func.min(AuditEntry.action)).where(AuditEntry.action > steps.c.action)
    ).scalar_subquery()
    steps = steps.union_all(select(following).where(steps.c.action.is_not(None)))
    return list(
        db.session.execute(
            select(steps.c.action).where(steps.c.action.is_not(None)).order_by(steps.c.action)
        ).scalars()
    )


def _start_of(day: date) -> datetime:
    """The first moment of a day in the libraries' timezone, in UTC."""
    return to_utc(datetime.combine(day, time.min)).replace(tzinfo=UTC)


def _narrowed(statement: Select, narrowed: AuditFilter) -> Select:
    """`statement` kept to the entries the filter asks for."""
    if narrowed.actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == narrowed.actor_id)
    if narrowed.action:
        statement = statement.where(AuditEntry.action == narrowed.action)
    if narrowed.since:
        statement = statement.where(AuditEntry.created_at >= _start_of(narrowed.since))
    if narrowed.until:
        next_day = _start_of(narrowed.until + timedelta(days=1))
        statement = statement.where(AuditEntry.created_at < next_day)
    return statement


def entries_page(narrowed: AuditFilter, cursor: Cursor | None = None) -> Page[AuditEntry]:
    """A page of the entries the filter asks for, newest first, each with who made it."""
    statement = _narrowed(select(AuditEntry).options(joinedload(AuditEntry.actor)), narrowed)
    return paginate(statement, [AuditEntry.id], cursor, descending=True)


def actor_name(username: str | None) -> str:
    """Who made an entry: staff by pseudonym; young people's own actions name no one."""
    return _("a young person") if username is None else username


def readable_detail(detail: dict) -> list[tuple[str, str]]:
    """An entry's detail as (name, value) lines, values that are not text written as JSON."""
    return [
        (name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for name, value in sorted(detail.items())
    ]


def _export_rows(narrowed: AuditFilter) -> Iterator[list]:
    """The entries the filter asks for, newest first, read a batch at a time by keyset."""
    actor = aliased(User)
    statement = _narrowed(
        select(
            AuditEntry.id,
            AuditEntry.created_at,
            actor.username,
            AuditEntry.action,
            AuditEntry.subject_type,
            AuditEntry.subject_id,
            AuditEntry.detail,
        ).outerjoin(actor, AuditEntry.actor_id == actor.id),
        narrowed,
    ).order_by(AuditEntry.id.desc())
    last_id = None
    while True:
        batch = statement if last_id is None else statement.where(AuditEntry.id < last_id)
        rows = db.session.execute(batch.limit(EXPORT_BATCH)).all()
        if not rows:
            return
        for entry_id, created_at, username, action, subject_type, subject_id, detail in rows:
            yield [
                entry_id,
                to_user_timezone(created_at).isoformat(timespec="seconds"),
                actor_name(username),
                action,
                subject_type,
                subject_id,
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
            ]
        last_id = rows[-1][0]


def export_csv(narrowed: AuditFilter) -> Iterator[str]:
    """The CSV export, a header line and then a chunk of text per batch of entries."""
    header = [_("Entry"), _("Time"), _("Person"), _("Action"), _("Subject"), _("Subject id")]
    yield from csv_lines([*header, _("Detail")], _export_rows(narrowed), EXPORT_BATCH)

"""Retention: young people's accounts unused for RETENTION_MONTHS months are deleted.

`flask retention purge` runs this; run it daily (see the README's security page). Accounts are
deleted exactly as when a young person deletes their own: their ideas and votes stay, by "a
former member". Staff, QLP reviewers and admins are never deleted this way.
"""

from calendar import monthrange
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app.account.services import erase_accounts, named_in_audit_log
from app.auth.sessions import purge_idle_sign_ins
from app.extensions import db
from app.models import Role, User, utcnow

# Accounts deleted per transaction: enough to be quick, few enough to hold in memory at once.
BATCH_SIZE = 500


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    day = min(moment.day, monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def unused_since(now: datetime | None = None, months: int | None = None) -> datetime:
    """Accounts last used before this moment count as unused."""
    if months is None:
        months = current_app.config["RETENTION_MONTHS"]
    return months_before(now or utcnow(), months)


def _unused_accounts(cutoff: datetime):
    """Young people's accounts last used (or, if never used, made) before `cutoff`.

    An account the audit log names (it once had a staff role) is kept: an admin closes it.
    """
    return select(User).where(
        User.role == Role.YOUNG_PERSON,
        func.coalesce(User.last_seen_at, User.created_at) < cutoff,
        ~named_in_audit_log(User.id),
    )


def count_unused_accounts(now: datetime | None = None, months: int | None = None) -> int:
    """How many accounts a purge would delete now (for a dry run)."""
    unused = _unused_accounts(unused_since(now, months)).subquery()
    return db.session.execute(select(func.count()).select_from(unused)).scalar_one()


def purge_unused_accounts(now: datetime | None = None, months: int | None = None) -> int:
    """Delete unused young people's accounts a batch at a time, and lapsed sign-ins; how many
    accounts were deleted."""
    now = now or utcnow()
    purge_idle_sign_ins(now)
    cutoff = unused_since(now, months)
    deleted, after_id = 0, 0
    while True:
        # Each batch is read afresh, by id from where the last one ended: 100,000 accounts are
        # never in memory at once, and no account is read twice.
        batch = list(
            db.session.execute(
                _unused_accounts(cutoff)
                .where(User.id > after_id)
                .order_by(User.id)
                .limit(BATCH_SIZE)
            ).scalars()
        )
        if not batch:
            return deleted
        after_id = batch[-1].id
        erase_accounts(batch)
        deleted += len(batch)

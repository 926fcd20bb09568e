"""Retention: unused young people's accounts are deleted, as if they had deleted them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import retention
from app.extensions import db
from app.ideas.services import cast_vote
from app.models import AuditEntry, Idea, Role, SignIn, User, utcnow
from app.retention import months_before, purge_unused_accounts

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
# With the default of 24 months, accounts last used before this are unused.
CUTOFF = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


def used(user: User, when: datetime | None, created: datetime | None = None) -> User:
    """Set when an account was last used (None: never signed in) and when it was made."""
    user.last_seen_at = when
    user.created_at = created or datetime(2023, 1, 1, tzinfo=UTC)
    db.session.commit()
    return user


def account_ids() -> set[int]:
    """The ids of every account left."""
    return set(db.session.execute(select(User.id)).scalars())


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 6, 15), 24, datetime(2024, 6, 15)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
        (datetime(2026, 1, 10), 1, datetime(2025, 12, 10)),
        (datetime(2026, 5, 31), 27, datetime(2024, 2, 29)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    """A month back from the 31st is the last day of a shorter month."""
    assert months_before(moment, months) == expected


def test_an_unused_account_is_deleted_and_a_recent_one_kept(make):
    """Last used more than RETENTION_MONTHS ago: deleted; used since: kept."""
    old = used(make.user(), CUTOFF - timedelta(days=1))
    recent = used(make.user(), CUTOFF + timedelta(days=1))
    assert purge_unused_accounts(now=NOW) == 1
    assert account_ids() == {recent.id}
    assert old.id not in account_ids()


def test_an_account_never_signed_in_counts_from_when_it_was_made(make):
    """No last use at all: the account's age decides."""
    stale = used(make.user(), None, created=CUTOFF - timedelta(days=1))
    fresh = used(make.user(), None, created=CUTOFF + timedelta(days=1))
    purge_unused_accounts(now=NOW)
    assert account_ids() == {fresh.id}
    assert stale.id not in account_ids()


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_staff_accounts_are_never_purged(make, role):
    """Only young people's accounts are deleted this way, however long unused."""
    person = used(make.user(role), CUTOFF - timedelta(days=400))
    assert purge_unused_accounts(now=NOW) == 0
    assert account_ids() == {person.id}


def test_an_account_the_audit_log_names_is_kept_for_an_admin(make):
    """A young person who once acted as staff is named in the append-only log: never purged."""
    once_staff = used(make.user(), CUTOFF - timedelta(days=400))
    db.session.add(AuditEntry(actor_id=once_staff.id, action="idea.status", subject_type="Idea"))
    db.session.commit()
    assert retention.count_unused_accounts(now=NOW) == 0
    assert purge_unused_accounts(now=NOW) == 0
    assert account_ids() == {once_staff.id}


def test_the_retention_period_is_a_setting(app, make):
    """RETENTION_MONTHS sets how long an account may go unused."""
    user = used(make.user(), datetime(2026, 1, 1, tzinfo=UTC))
    assert purge_unused_accounts(now=NOW) == 0
    app.config["RETENTION_MONTHS"] = 3
    assert purge_unused_accounts(now=NOW) == 1
    assert user.id not in account_ids()


def test_a_purged_persons_ideas_and_votes_stay(make):
    """Deleted as by the person themself: ideas stay by a former member, votes still count."""
    young = make.user()
    idea = make.idea(author=young)
    cast_vote(young, idea)
    used(young, CUTOFF - timedelta(days=1))
    purge_unused_accounts(now=NOW)
    idea = db.session.get(Idea, idea.id)
    assert (idea.author, idea.vote_count) == (None, 1)


def test_accounts_are_deleted_in_batches(make, monkeypatch):
    """Many accounts go a batch at a time, and all of them go."""
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    kept = used(make.user(), NOW)
    for _ in range(5):
        used(make.user(), CUTOFF - timedelta(days=30))
    assert purge_unused_accounts(now=NOW) == 5
    assert account_ids() == {kept.id}


def test_lapsed_sign_ins_are_purged_too(app, make):
    """Sign-ins idle past SIGN_IN_IDLE_DAYS go; recent ones stay."""
    young = used(make.user(), NOW)
    idle = NOW - timedelta(days=app.config["SIGN_IN_IDLE_DAYS"] + 1)
    for seen, token in ((idle, "a" * 64), (NOW, "b" * 64)):
        db.session.add(SignIn(user_id=young.id, token_hash=token, last_seen_at=seen))
    db.session.commit()
    purge_unused_accounts(now=NOW)
    assert db.session.execute(select(SignIn.token_hash)).scalars().all() == ["b" * 64]


def test_command_deletes_and_says_how_many(app, make):
    """`flask retention purge` deletes unused accounts and reports the count."""
    used(make.user(), months_before(utcnow(), 25))
    kept = used(make.user(), utcnow())
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 accounts" in result.output
    assert account_ids() == {kept.id}


def test_dry_run_says_what_would_go_and_changes_nothing(app, make):
    """`--dry-run` counts, and deletes nothing."""
    used(make.user(), months_before(utcnow(), 25))
    used(make.user(), utcnow())
    before = db.session.scalar(select(func.count()).select_from(User))
    result = app.test_cli_runner().invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would delete 1 accounts" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before

"""`flask backup` and `flask restore`: every row comes back, on either backend, or nothing does."""

import gzip
import json
import os
from contextlib import contextmanager
from datetime import date

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, make_url, select

from app import create_app
from app.extensions import db, migrate
from app.ideas.services import cast_vote
from app.models import (
    CodesignSession,
    IdeaRevision,
    Phase,
    Role,
    SafeguardingConcern,
    SignIn,
    User,
    Vote,
)
from app.moderation.services import link_outcome
from tests.conftest import empty_database
from tests.test_qlp_reviews import add_skill, signed_review

pytestmark = [
    # Backups and restores read and write through connections of their own.
    pytest.mark.committing,
    # Migrating SQLite copies tables, and SQLite cannot reflect the index on lower(username).
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
]
POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))
NOT_EMPTY = "The database is not empty (table library_services has rows)"


# --- Helpers -----------------------------------------------------------------------------------


def build_world(make) -> None:
    """Rows in most tables: people, ideas with votes and history, a service, a review, audit."""
    consultation = make.consultation(Phase.VOTING_OPEN)
    ideas = [make.idea(consultation) for _ in range(3)]
    voters = [make.user() for _ in range(4)]
    for idea in ideas[:2]:
        for voter in voters:
            cast_vote(voter, idea)
    staff = make.staff(consultation.library_service)
    link_outcome(ideas[0], "qlp.aim.a", staff, "Young people plan it with us.")
    service = make.codesign_service()
    session = CodesignSession(
        service=service,
        held_on=date(2026, 3, 14),
        place="Central Library",
        attendance={"14-16": 6, "adults": 2},
        brought_together=True,
        cohesion_note="Two schools met for the first time.",
        decisions="Tuesdays after school.",
    )
    db.session.add(session)
    db.session.commit()
    add_skill(service, service.quality_leader, session=session)
    signed_review(make, service)
    # A former member: their idea and vote stay, with no one named.
    ideas[2].author_id = None
    db.session.add(Vote(user_id=None, idea_id=ideas[2].id))
    db.session.add(
        IdeaRevision(idea=ideas[1], title="Old title", description="Old words", reason="redacted")
    )
    db.session.add(SignIn(user_id=voters[0].id, token_hash="a" * 64, device="Firefox on Android"))
    db.session.add(
        SafeguardingConcern(
            library_service=consultation.library_service, idea=ideas[1], concern="A worry."
        )
    )
    db.session.commit()


def table_rows(application, reflected: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, read straight from the database.

    `reflected` reads the tables as the database has them, which at an older revision is not as
    the models describe them.
    """
    with application.app_context(), db.engine.connect() as connection:
        tables = db.metadata
        if reflected:
            tables = MetaData()
            tables.reflect(connection)
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in tables.sorted_tables
            if table.name != "alembic_version"
        }


@contextmanager
def empty_app_on(backend: str, tmp_path, revision: str = "head"):
    """An application on an empty database of `backend`, migrated to `revision`."""
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": empty_database(backend, tmp_path),
            "SECRET_KEY": "test-secret",
        }
    )
    with application.app_context():
        flask_migrate.upgrade(revision=revision)
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()


def backend_of(application) -> str:
    """ "sqlite" or "postgresql"."""
    return make_url(application.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def back_up(application, path, *options):
    """Run `flask backup` on the application, stamped at the newest revision as upgrade does."""
    with application.app_context():
        flask_migrate.stamp()
        return application.test_cli_runner().invoke(args=["backup", str(path), *options])


def restore(application, path):
    """Run `flask restore` on the application (in its context: a command uses the current one)."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=["restore", str(path)])


def rewrite(path, change) -> None:
    """Rewrite a backup's lines through `change` (a function of the list of lines)."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        lines = file.read().splitlines()
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("\n".join(change(lines)) + "\n")


# --- Round trips -------------------------------------------------------------------------------


def test_a_backup_restores_every_row_into_an_empty_database(app, make, tmp_path):
    """Every row of every table comes back exactly, on the same backend."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    made = back_up(app, path)
    assert made.exit_code == 0, made.output
    assert "tables" in made.output and "rows" in made.output and "bytes" in made.output
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    before = table_rows(app)
    assert len([name for name, rows in before.items() if rows]) >= 20

    with empty_app_on(backend_of(app), tmp_path) as restored:
        result = restore(restored, path)
        assert result.exit_code == 0, result.output
        assert table_rows(restored) == before


@pytest.mark.skipif(not POSTGRESQL, reason="needs TEST_DATABASE_URL")
@pytest.mark.parametrize(
    ("database_uri", "target"),
    [("sqlite", "postgresql"), ("postgresql", "sqlite")],
    indirect=["database_uri"],
)
def test_a_backup_from_one_backend_restores_into_the_other(app, make, tmp_path, target):
    """The file is the same on SQLite and PostgreSQL, so a backup moves between them."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    before = table_rows(app)

    with empty_app_on(target, tmp_path) as restored:
        result = restore(restored, path)
        assert result.exit_code == 0, result.output
        assert table_rows(restored) == before


def test_new_rows_after_a_restore_get_fresh_ids(app, make, tmp_path):
    """The id sequences move past the restored ids, so the next account is simply added."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    highest = max(row[0] for row in table_rows(app)["users"])

    with empty_app_on(backend_of(app), tmp_path) as restored:
        assert restore(restored, path).exit_code == 0
        with restored.app_context():
            user = User(username="newcomer", password_hash="x", role=Role.YOUNG_PERSON)
            db.session.add(user)
            db.session.commit()
            assert user.id > highest


# --- Refusals ----------------------------------------------------------------------------------


def test_a_backup_does_not_replace_a_file_unless_forced(app, tmp_path):
    """An existing file is kept; --force replaces it."""
    path = tmp_path / "backup.jsonl.gz"
    path.write_text("keep me")
    refused = back_up(app, path)
    assert refused.exit_code != 0
    assert "already exists; use --force" in refused.output
    assert path.read_text() == "keep me"

    assert back_up(app, path, "--force").exit_code == 0
    with gzip.open(path, "rt") as file:
        assert json.loads(file.readline())["format"] == "youth-consultation-backup"


def test_a_database_without_a_schema_revision_is_not_backed_up(app, tmp_path):
    """With no Alembic revision, a restore could not be checked, so there is no backup."""
    path = tmp_path / "backup.jsonl.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert "no Alembic revision" in result.output
    assert not path.exists()
    assert not any(tmp_path.glob(".*partial"))


def test_restore_into_a_database_with_rows_is_refused_and_changes_nothing(app, make, tmp_path):
    """Restoring on top of data would mix two databases; it is refused before any insert."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    before = table_rows(app)

    result = restore(app, path)
    assert result.exit_code != 0
    assert NOT_EMPTY in result.output
    assert "flask db upgrade" in result.output
    assert "Traceback" not in result.output
    assert table_rows(app) == before


def test_restore_at_another_schema_revision_is_refused(app, make, tmp_path):
    """A database at an older revision has another schema; the person is told to upgrade."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    with app.app_context():
        scripts = ScriptDirectory.from_config(migrate.get_config())
    previous = scripts.get_revision("head").down_revision

    with empty_app_on(backend_of(app), tmp_path, revision=previous) as older:
        result = restore(older, path)
        assert result.exit_code != 0
        assert f"this database is at {previous}" in result.output
        assert "flask db upgrade" in result.output
        assert all(rows == [] for rows in table_rows(older, reflected=True).values())


def cut_off(path) -> None:
    """The file without its last lines, as when a copy stops part way."""
    rewrite(path, lambda lines: lines[:-3])


def cut_off_stream(path) -> None:
    """The compressed stream without its last bytes."""
    path.write_bytes(path.read_bytes()[:-4])


def bad_date(path) -> None:
    """A session's date replaced by something that is not a date."""
    rewrite(path, lambda lines: [line.replace('"2026-03-14"', '"the 14th"') for line in lines])


def duplicate_row(path) -> None:
    """The last row twice, with the counts adjusted to match: its id is taken."""

    def change(lines: list[str]) -> list[str]:
        """Repeat the row before the counts and count it."""
        last = next(json.loads(line) for line in reversed(lines) if line.startswith('{"table"'))
        end = json.loads(lines[-1])
        end["end"][last["table"]] += 1
        return [*lines[:-1], lines[-2], json.dumps(end)]

    rewrite(path, change)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (cut_off, "ends early"),
        (cut_off_stream, "damaged or is not a backup"),
        (bad_date, "a row of codesign_sessions"),
        (duplicate_row, "could not be restored"),
    ],
    ids=["cut off", "cut off stream", "bad date", "duplicate row"],
)
def test_a_damaged_file_is_refused_clearly_and_changes_nothing(
    app, make, tmp_path, damage, message
):
    """A file damaged part way is found out while restoring, and every row inserted is undone."""
    build_world(make)
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    damage(path)

    with empty_app_on(backend_of(app), tmp_path) as restored:
        result = restore(restored, path)
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
        assert all(rows == [] for rows in table_rows(restored).values())


def newer_format(path) -> None:
    """A backup in a format version this code does not know."""
    rewrite(path, lambda lines: [lines[0].replace('"version":1', '"version":9'), *lines[1:]])


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda path: path.write_bytes(b"not compressed"), "damaged or is not a backup"),
        (lambda path: path.write_bytes(gzip.compress(b"[1,2")), "damaged or is not a backup"),
        (lambda path: rewrite(path, lambda _: ['{"a": 1}']), "not a backup made by `flask backup`"),
        (newer_format, "version 9; this version of the platform reads version 1"),
    ],
    ids=["plain text", "other gzip data", "foreign", "newer format"],
)
def test_a_file_that_is_not_a_backup_is_refused_before_the_database_is_read(
    app, tmp_path, spoil, message
):
    """Plain text, other gzip'd data or another format: a message, and no change."""
    path = tmp_path / "backup.jsonl.gz"
    assert back_up(app, path).exit_code == 0
    spoil(path)
    before = table_rows(app)

    result = restore(app, path)
    assert result.exit_code != 0
    assert message in result.output
    assert NOT_EMPTY not in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert table_rows(app) == before

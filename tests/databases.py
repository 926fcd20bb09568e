"""The test databases: built once per backend in each test process, then rolled back or reset.

Building the schema and loading the outcome frameworks takes far longer than most tests, so
each test process (each pytest-xdist worker) prepares one database per backend, once. Then:

- a test is rolled back: it runs inside a transaction on one connection, which every session of
  the app joins through a savepoint (so the code under test commits and rolls back as usual),
  and which is rolled back when the test ends;
- a test marked `committing` commits for real, for other connections to see (threads, a live
  server, migrations, backups), and the database is then put back as it was prepared: on SQLite
  a fresh copy of the prepared file, on PostgreSQL every table emptied and the reference rows
  loaded again.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from limits.storage import MemoryStorage
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Connection, Engine, RootTransaction

from app import create_app
from app.config import database_url
from app.extensions import db
from app.seed import load_national_partners, load_outcome_frameworks

# The settings every test app starts from; a test module adds its own through `app_settings`.
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    # Cheap Argon2 settings keep the tests fast; the hashing code is the same.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 256,
    # Live streams in tests: events are batched briefly, and a stream ends quickly.
    "LIVE_COALESCE_SECONDS": 0.01,
    "LIVE_HEARTBEAT_SECONDS": 0.05,
    "LIVE_STREAM_SECONDS": 0.3,
    # Hundreds of tests sign in from one address; tests/test_rate_limits.py turns it on.
    "RATELIMIT_ENABLED": False,
}
ROLLED_BACK_MODE = (
    "A rolled-back test (one without @pytest.mark.committing) {what}: it would not see the "
    "test's rows, and its writes would wait on the test's transaction. Mark the test "
    "@pytest.mark.committing."
)


def reset_postgresql(url: str) -> None:
    """Drop everything in the database's public schema, migrations' table included."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def create_database_if_missing(url: str, existing_url: str) -> None:
    """Create the PostgreSQL database `url` names, connecting through one that exists."""
    name = make_url(url).database
    engine = create_engine(database_url(existing_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not found:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


class Apps:
    """One application per database and distinct settings, built once: building one compiles
    every URL rule, which costs more than most tests (about 40 ms)."""

    def __init__(self):
        self._apps: dict[tuple[str, str], Flask] = {}

    def get(self, uri: str, settings: dict, prepare=None) -> Flask:
        """The application for this database and these settings; `prepare(app)` runs once,
        when it is built."""
        key = (uri, repr(sorted(settings.items())))
        if key not in self._apps:
            app = create_app({**TEST_SETTINGS, **settings, "SQLALCHEMY_DATABASE_URI": uri})
            if prepare is not None:
                prepare(app)
            self._apps[key] = app
        return self._apps[key]

    def dispose(self, uri: str | None = None) -> None:
        """Close every pooled connection the applications hold to this database (or any)."""
        for (app_uri, _), app in self._apps.items():
            if uri is None or app_uri == uri:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


@contextmanager
def as_if_new(app: Flask):
    """Give a test the app as freshly built: what the test changes in its settings and
    extensions is put back afterwards, its streams are closed, and rate-limit counts kept in
    memory are forgotten."""
    config, extensions = dict(app.config), dict(app.extensions)
    limiter = app.extensions.get("rate_limits")
    if limiter is not None and limiter.enabled and isinstance(limiter.storage, MemoryStorage):
        limiter.storage.reset()
    try:
        yield app
    finally:
        for broker in {app.extensions["live"], extensions["live"]}:
            broker.hub.close_all()
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


@dataclass
class SharedRows:
    """Rows several tests read, written once in a transaction kept open while they run."""

    key: object  # the function that writes them
    engine: Engine
    connection: Connection
    transaction: RootTransaction
    value: object  # what the rows' builder returned
    restart_ids: str | None  # sets ids back to where they were once the rows were written
    restart_ids_before: str | None  # and to where they were before


class RolledBack:
    """Runs a test inside one transaction on one connection, rolled back at its end.

    Every session of the app (the test's, each request's) is bound to that connection and
    joins its transaction through a savepoint, so `commit()` and `rollback()` in the code under
    test behave as they do in production, but nothing outlives the test. A second connection
    to the database, or the connection used from another thread, would break that: both are
    refused with a message naming the marker to use instead.

    Tests that ask for the same shared rows (`tests.conftest.shared_rows`) run one after
    another inside a transaction that holds those rows, each in a savepoint of its own.
    """

    def __init__(self):
        self.url = None  # the database a rolled-back test is using, while it runs
        self._opening = False
        self._shared: dict[object, SharedRows] = {}  # by database
        event.listen(Engine, "engine_connect", self._refuse_second_connection)
        bound = self.bound = {}  # the connection standing in for an app's engine, by engine

        class BoundSession(db.session.session_factory.class_):
            """A session of the app, on the rolled-back test's connection while one runs."""

            def get_bind(self, *arguments, **options):
                engine = super().get_bind(*arguments, **options)
                return bound.get(engine, engine)

        db.session.session_factory.class_ = BoundSession
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")

    @contextmanager
    def around(self, app: Flask, restart_ids: str | None, shared=None, ids_now=None):
        """Bind every session of `app` to one connection for the test, then roll it back.

        `restart_ids`, if any, then sets ids back where they were. `shared`, if any, is
        (key, build): the test runs among the rows `build()` wrote, and gets what it returned;
        `ids_now(connection)` gives the statement setting ids back to after they were written.
        """
        engine = db.engine  # the app's, in the test's application context
        rows = self._shared.get(engine.url)
        if rows and (shared is None or (rows.key, rows.engine) != (shared[0], engine)):
            self.forget_shared(engine.url)
            rows = None
        if shared and rows is None:
            rows = self._share(engine, *shared, ids_now, restart_ids)
        if rows:
            connection, restart_ids = rows.connection, rows.restart_ids
            transaction = connection.begin_nested()
        else:
            connection = self._connect(engine)
            transaction = connection.begin()
        self.bound[engine] = connection
        self.url = engine.url
        try:
            yield rows.value if rows else None
        finally:
            self.url = None
            db.session.remove()
            del self.bound[engine]
            transaction.rollback()
            if restart_ids:
                connection.exec_driver_sql(restart_ids)
            if not rows:
                connection.rollback()
                connection.close()

    def forget_shared(self, url=None) -> None:
        """Roll back the shared rows on one database (or on all of them)."""
        for database in [database for database in self._shared if url in (None, database)]:
            rows = self._shared.pop(database)
            rows.transaction.rollback()
            if rows.restart_ids_before:
                rows.connection.exec_driver_sql(rows.restart_ids_before)
                rows.connection.rollback()
            rows.connection.close()

    def _share(self, engine, key, build, ids_now, restart_ids) -> SharedRows:
        """Write the shared rows in a transaction left open for the tests that read them."""
        connection = self._connect(engine)
        transaction = connection.begin()
        self.bound[engine] = connection
        self.url = engine.url
        try:
            value = build()
            db.session.remove()
        except BaseException:
            transaction.rollback()
            if restart_ids:
                connection.exec_driver_sql(restart_ids)
                connection.rollback()
            connection.close()
            raise
        finally:
            self.url = None
            del self.bound[engine]
        rows = SharedRows(
            key, engine, connection, transaction, value, ids_now(connection), restart_ids
        )
        self._shared[engine.url] = rows
        return rows

    def _connect(self, engine: Engine) -> Connection:
        """A connection of the test's own, which no other thread may use."""
        quiet_savepoints(engine.dialect)
        self._opening = True
        try:
            connection = engine.connect()
        finally:
            self._opening = False
        owner = threading.get_ident()

        def refuse_other_threads(*_arguments):
            if threading.get_ident() != owner:
                raise RuntimeError(
                    ROLLED_BACK_MODE.format(what="used the database from another thread")
                )

        event.listen(connection, "before_cursor_execute", refuse_other_threads)
        return connection

    def _refuse_second_connection(self, connection) -> None:
        """No other connection to the database of a rolled-back test, while it runs."""
        if self.url is not None and not self._opening and connection.engine.url == self.url:
            connection.close()
            raise RuntimeError(ROLLED_BACK_MODE.format(what="opened a second connection"))


def quiet_savepoints(dialect) -> None:
    """Send the savepoints the isolation adds straight to the driver, as it sends BEGIN itself:
    code counting the statements the app sends sees what it would see in production."""

    def send(connection, statement: str) -> None:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()

    dialect.do_savepoint = lambda connection, name: send(connection, f"SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda connection, name: send(
        connection, f"RELEASE SAVEPOINT {name}"
    )
    dialect.do_rollback_to_savepoint = lambda connection, name: send(
        connection, f"ROLLBACK TO SAVEPOINT {name}"
    )


def sqlite_transactions(app: Flask) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, begin the app's transactions, so savepoints nest.

    The driver begins a transaction only before a write and lets a savepoint start one of its
    own; the outer transaction of a rolled-back test would then be committed by the release of
    its first savepoint (SQLAlchemy's documented recipe).
    """
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def begin(connection):
        connection.exec_driver_sql("BEGIN")


def load_reference_data() -> None:
    """The rows every installation starts with: the outcome frameworks and national partners."""
    load_outcome_frameworks()
    load_national_partners()
    db.session.commit()


class SqliteDatabase:
    """SQLite: a prepared file, a copy of it for rolled-back tests, and a fresh copy before
    each committing test."""

    restart_ids = None  # rolling back gives SQLite's ids back

    @staticmethod
    def ids_now(_connection) -> None:
        """Nothing: rolling back to a savepoint gives SQLite's ids back."""

    def __init__(self, folder: Path, apps: Apps):
        self.apps = apps
        self.prepared = folder / "prepared.db"
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": self.uri(self.prepared)})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.remove()
            db.engine.dispose()
        self.rolled_back = folder / "rolled-back.db"
        self.committing = folder / "committing.db"
        shutil.copyfile(self.prepared, self.rolled_back)

    @staticmethod
    def uri(path: Path) -> str:
        """The URL of a database file."""
        return f"sqlite:///{path}"

    def app(self, settings: dict, committing: bool) -> Flask:
        """The app for these settings on this database, in the test's mode."""
        if committing:
            return self.apps.get(self.uri(self.committing), settings)
        return self.apps.get(self.uri(self.rolled_back), settings, prepare=sqlite_transactions)

    def rolled_back_uri(self) -> str:
        """Where rolled-back tests run."""
        return self.uri(self.rolled_back)

    def before_committing(self) -> str:
        """A fresh copy of the prepared file, for a committing test; its URL."""
        uri = self.uri(self.committing)
        self.apps.dispose(uri)
        for leftover in self.committing.parent.glob(f"{self.committing.name}-*"):
            leftover.unlink()  # a journal left by a connection the test did not close
        copy = self.committing.with_suffix(".copy")
        shutil.copyfile(self.prepared, copy)
        # A new file, not the old one overwritten: a connection the test left open keeps the old.
        os.replace(copy, self.committing)
        return uri

    def after_committing(self) -> None:
        """Nothing: the next committing test starts from a new copy."""


class PostgresqlDatabase:
    """PostgreSQL: one database, prepared once; emptied and loaded again after a committing test.

    Emptying every table (TRUNCATE ... RESTART IDENTITY CASCADE) and loading the reference rows
    again takes about 0.2 s here; creating the database again from a template took as long and
    now and then several times longer (PostgreSQL writes a checkpoint), and needs every
    connection to the database closed first.
    """

    def __init__(self, url: str, apps: Apps):
        self.url = database_url(url)
        self.apps = apps
        self.rebuild()
        app = self.apps.get(self.url, {})
        with app.app_context(), db.engine.connect() as connection:
            self.restart_ids = self.ids_now(connection)

    @staticmethod
    def ids_now(connection) -> str:
        """A statement that sets every sequence back to where it is now.

        A rolled-back transaction does not give back the ids it drew (sequences are outside
        transactions): without this, ids would grow from test to test, where each test
        otherwise starts as on a new database. A committing test's reset restarts them anyway.
        """
        sequences = connection.execute(
            text(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = 'public' ORDER BY 1"
            )
        ).all()
        calls = [
            f"setval('{name}', {value}, true)" if value else f"setval('{name}', 1, false)"
            for name, value in sequences
        ]
        return "SELECT " + ", ".join(calls)

    def rebuild(self) -> None:
        """Drop everything, then build the schema and load the reference rows."""
        self.apps.dispose(self.url)
        self._close_other_connections()
        reset_postgresql(self.url)
        app = self.apps.get(self.url, {})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.remove()

    def app(self, settings: dict, committing: bool) -> Flask:
        """The app for these settings on this database (the same in either mode)."""
        return self.apps.get(self.url, settings)

    def rolled_back_uri(self) -> str:
        """Where rolled-back tests run."""
        return self.url

    def before_committing(self) -> str:
        """The database, as prepared."""
        return self.url

    def after_committing(self) -> None:
        """Put the database back as prepared: tables emptied, reference rows loaded again."""
        self.apps.dispose(self.url)
        self._close_other_connections()
        app = self.apps.get(self.url, {})
        with app.app_context():
            with db.engine.begin() as connection:
                found = set(
                    connection.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    ).scalars()
                )
                as_built = found - {"alembic_version"} == set(db.metadata.tables)
                if as_built:
                    names = ", ".join(f'"{name}"' for name in db.metadata.tables)
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            if as_built:
                load_reference_data()
                db.session.remove()
                return
        self.rebuild()  # the test changed the schema itself

    def _close_other_connections(self) -> None:
        """End connections a committing test left open (a thread's, an app's of its own), whose
        locks would keep the tables from being emptied."""
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        engine.dispose()

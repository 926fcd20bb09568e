"""Shared fixtures: the app on each database backend, a client, factories and sign-in."""

import os
import re
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event, make_url

from app.auth.services import create_account
from app.config import database_url
from app.extensions import db
from app.ideas.services import approve_idea, propose_idea
from app.models import (
    CodesignService,
    Consultation,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    LibraryService,
    Phase,
    Role,
    ServiceStatus,
    ServiceStatusChange,
    StaffMembership,
    User,
)
from tests.databases import (
    Apps,
    PostgresqlDatabase,
    RolledBack,
    SqliteDatabase,
    as_if_new,
    create_database_if_missing,
    reset_postgresql,
)

PASSWORD = "correct-horse"
# Every database test runs on SQLite, and again on PostgreSQL when its URL is given.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# The database named in TEST_DATABASE_URL before a pytest-xdist worker names its own.
CONFIGURED_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_configure(config):
    """In a pytest-xdist worker, use a PostgreSQL database and a Redis database of its own.

    Worker gw<n> adds "_gw<n>" to the database's name (test gives test_gw0, test_gw1, ...) and
    uses the Redis database number below the configured one by n (/15 gives /15, /14, ...).
    Tests read both from the environment, so the worker sets its own there.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    if url := os.environ.get("TEST_DATABASE_URL"):
        parsed = make_url(url)
        own = parsed.set(database=f"{parsed.database}_{worker}")
        os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    if url := os.environ.get("TEST_REDIS_URL"):
        parsed = urlsplit(url)
        number = int(parsed.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        if number < 0:
            raise pytest.UsageError(f"TEST_REDIS_URL {url} leaves no Redis database for {worker}")
        os.environ["TEST_REDIS_URL"] = parsed._replace(path=f"/{number}").geturl()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """The browser tests run together in one pytest-xdist worker (with `--dist loadgroup`),
    which starts Chromium once, while the other workers take the rest. In each module, the
    tests sharing rows run one after another, so the rows are written once. Each test's report
    says where it ran, for the count at the end."""
    first = {}
    for index, item in enumerate(items):
        first.setdefault(item.path, index)
    items.sort(key=lambda item: (first[item.path], shared_name(item)))
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        item.user_properties.append(("ran", where_it_runs(item)))


def where_it_runs(item) -> str:
    """Where a test runs: "on SQLite", "on PostgreSQL", "in the browser" or "without a database"."""
    if item.get_closest_marker("browser"):
        return "in the browser"
    params = getattr(item, "callspec", None)
    params = params.params if params else {}
    backends = [params.get("database_uri"), params.get("empty_database_uri"), *params.values()]
    backend = next((value for value in backends if value in ("sqlite", "postgresql")), None)
    return {"sqlite": "on SQLite", "postgresql": "on PostgreSQL"}.get(backend, "without a database")


def pytest_sessionfinish(session):
    """With REQUIRE_EVERY_TEST=1 (CI), a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped") if reporter else None
    if os.environ.get("REQUIRE_EVERY_TEST") == "1" and skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """How many tests passed on each backend, in the browser and with no database at all."""
    passed = Counter(
        dict(report.user_properties).get("ran", "without a database")
        for report in terminalreporter.stats.get("passed", [])
        if report.when == "call"
    )
    places = ["on SQLite", "on PostgreSQL", "in the browser", "without a database"]
    terminalreporter.write_sep(
        "-", "passed: " + ", ".join(f"{passed[place]} {place}" for place in places)
    )
    if os.environ.get("REQUIRE_EVERY_TEST") == "1" and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line("REQUIRE_EVERY_TEST=1: a skipped test fails the run.", red=True)


def committing(request) -> bool:
    """Whether the test is marked to commit for real (`@pytest.mark.committing`)."""
    return request.node.get_closest_marker("committing") is not None


@pytest.fixture(scope="session")
def prepared_databases(tmp_path_factory):
    """Each backend's test database, prepared the first time a test asks for it."""
    apps = Apps()
    rolled_back = RolledBack()
    prepared = {}

    def on(backend: str):
        if backend not in prepared:
            if backend == "sqlite":
                prepared[backend] = SqliteDatabase(tmp_path_factory.mktemp("sqlite"), apps)
            else:
                url = os.environ["TEST_DATABASE_URL"]
                create_database_if_missing(url, CONFIGURED_DATABASE_URL)
                prepared[backend] = PostgresqlDatabase(url, apps)
        return prepared[backend], rolled_back

    yield on
    rolled_back.forget_shared()
    apps.dispose()


@pytest.fixture(params=BACKENDS)
def database_uri(request, prepared_databases) -> str:
    """The test database on one backend, with the schema built and the reference rows loaded.

    A rolled-back test's writes vanish at its end; after a committing test the database is put
    back as it was prepared.
    """
    database, rolled_back = prepared_databases(request.param)
    if not committing(request):
        yield database.rolled_back_uri()
        return
    rolled_back.forget_shared()
    yield database.before_committing()
    database.after_committing()


@pytest.fixture(params=BACKENDS)
def empty_database_uri(request, tmp_path) -> str:
    """An empty database on one backend, apart from the test database."""
    return empty_database(request.param, tmp_path)


def empty_database(backend: str, tmp_path) -> str:
    """The URL of an empty database: a new SQLite file, or the test database's name + 2."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
    second = url.set(database=f"{url.database}2").render_as_string(hide_password=False)
    create_database_if_missing(second, url.render_as_string(hide_password=False))
    reset_postgresql(second)
    return second


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to the app's, by overriding this fixture."""
    return {}


SHARED = pytest.StashKey[tuple]()


def shared_rows(build):
    """Make `build(make)` a fixture of rows that many tests read, written once for them.

    The rows are written once per backend in each test process, in a transaction kept open
    while the tests asking for them run one after another, each rolled back to where the rows
    were written (a committing test writes them itself). The fixture gives what `build`
    returned: ids and plain values, as each test has sessions of its own.
    """

    def rows(app, request):
        return request.node.stash[SHARED][0]

    rows.shared_build = build
    return pytest.fixture(rows, name=build.__name__)


def shared_name(item) -> str:
    """The name of the shared rows a test asks for ("" for none), to sort tests by."""
    build = shared_rows_of(item) if hasattr(item, "_fixtureinfo") else None
    return f"{build.__module__}.{build.__qualname__}" if build else ""


def shared_rows_of(item):
    """The builder of the shared rows a test asks for, if any."""
    # The fixtures a name resolves to for this test (pytest's own record of them).
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        build = getattr(definitions[-1].func, "shared_build", None)
        if build is not None:
            return build
    return None


def build_shared(build):
    """Write shared rows through a factory of their own: (what `build` returned, the factory's
    count, which the test's factory carries on from)."""

    def written():
        factory = Factory()
        return build(factory), factory.counter

    return written


@pytest.fixture
def app(request, database_uri, app_settings, prepared_databases):
    """The application with the schema created and the outcome frameworks loaded.

    One app is built per database and distinct settings, and given to each test as if new.
    """
    backend = make_url(database_uri).get_backend_name()
    database, rolled_back = prepared_databases(backend)
    app = database.app(app_settings, committing(request))
    shared = shared_rows_of(request.node)
    with as_if_new(app), app.app_context():
        if committing(request):
            if shared:
                request.node.stash[SHARED] = build_shared(shared)()
            yield app
            db.session.remove()
            db.engine.dispose()
        else:
            build = (shared, build_shared(shared)) if shared else None
            with rolled_back.around(app, database.restart_ids, build, database.ids_now) as rows:
                if rows is not None:
                    request.node.stash[SHARED] = rows
                yield app


@pytest.fixture
def client(app):
    """A test client that keeps cookies."""
    return app.test_client()


def csrf_token(client) -> str:
    """Read the CSRF token a page hands to htmx, as a browser would."""
    html = client.get("/outcomes").get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


class Factory:
    """Makes the things tests need, in the database, with sensible defaults."""

    def __init__(self, counter: int = 0):
        self.counter = counter

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def user(
        self,
        role: Role = Role.YOUNG_PERSON,
        username: str | None = None,
        member_of: list[LibraryService] = (),
    ) -> User:
        """An account with the test password; staff belong to the library services given."""
        name = username or f"{role.value[:5]}_{self._next()}"
        band = "14-16" if role == Role.YOUNG_PERSON else None
        user = create_account(name, PASSWORD, age_band=band, role=role)
        db.session.add_all(StaffMembership(user_id=user.id, library_service=s) for s in member_of)
        db.session.commit()
        return user

    def staff(self, *library_services: LibraryService, username: str | None = None) -> User:
        """A member of staff who belongs to the library services given."""
        return self.user(Role.STAFF, username=username, member_of=list(library_services))

    def library_service(self, name: str | None = None) -> LibraryService:
        """A library service of its own."""
        service = LibraryService(name=name or f"Library service {self._next()}")
        db.session.add(service)
        db.session.commit()
        return service

    def consultation(self, phase: Phase = Phase.PROPOSALS_OPEN, **values) -> Consultation:
        """A consultation, in a library service of its own unless one is given."""
        values.setdefault("library_service", LibraryService(name=f"Library service {self._next()}"))
        consultation = Consultation(question="What should the library do?", phase=phase, **values)
        db.session.add(consultation)
        db.session.commit()
        return consultation

    def idea(
        self,
        consultation: Consultation | None = None,
        published: bool = True,
        author: User | None = None,
        title: str | None = None,
    ) -> Idea:
        """An idea by a young person; a new consultation of its own is left open for votes."""
        created = consultation is None
        consultation = consultation or self.consultation()
        phase = consultation.phase
        consultation.phase = Phase.PROPOSALS_OPEN  # ideas are only proposed while this is open
        idea = propose_idea(
            author or self.user(),
            consultation,
            title or f"Idea {self._next()}",
            "More comfy chairs and a games night.",
        )
        if published:
            approve_idea(idea, self.staff(consultation.library_service))
        consultation.phase = Phase.VOTING_OPEN if created and published else phase
        db.session.commit()
        return idea

    def accepted_idea(self, consultation: Consultation | None = None, **values) -> Idea:
        """A published idea staff have accepted, ready to become a co-designed service."""
        idea = self.idea(consultation, **values)
        self._set_status(idea, IdeaStatus.ACCEPTED)
        return idea

    def _set_status(self, idea: Idea, status: IdeaStatus) -> None:
        """Move an idea straight to a status, with the step in its history."""
        db.session.add(IdeaStatusChange(idea=idea, from_status=idea.status, to_status=status))
        idea.status = status
        db.session.commit()

    def codesign_service(
        self, *ideas: Idea, status: ServiceStatus = ServiceStatus.CODESIGNING, **values
    ) -> CodesignService:
        """A co-designed service built straight in the database from accepted ideas.

        With no ideas, one accepted idea of its own; the Quality Leader is staff of its
        library service.
        """
        ideas = ideas or (self.accepted_idea(),)
        library_service = ideas[0].consultation.library_service
        values.setdefault("quality_leader", self.staff(library_service))
        service = CodesignService(
            library_service=library_service,
            name=values.pop("name", f"Service {self._next()}"),
            summary=values.pop("summary", "A homework club on Tuesdays, planned with you."),
            need="Somewhere to do homework after school.",
            age_bands=["11-13", "14-16"],
            beneficiary_groups=["young_people"],
            status=status,
            **values,
        )
        db.session.add(service)
        db.session.add(ServiceStatusChange(service=service, to_status=status, message="Started."))
        db.session.flush()
        for idea in ideas:
            idea.codesign_service_id = service.id
            self._set_status(idea, IdeaStatus.IN_CODESIGN)
        db.session.commit()
        return service


@pytest.fixture
def make(app, request) -> Factory:
    """The factory for users, consultations and ideas (carrying on from shared rows' count)."""
    shared = request.node.stash.get(SHARED, None)
    return Factory(shared[1] if shared else 0)


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""

    def sign_in(user: User):
        response = client.post(
            "/sign-in",
            data={
                "csrf_token": csrf_token(client),
                "username": user.username,
                "password": PASSWORD,
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    return sign_in


class QueryCounter:
    """The SQL statements the application sent while counting."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def record(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        """Keep one executed statement."""
        self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counted:` counts the SQL statements run inside the block.

    Requests made inside run in an application context of their own, as in production, so
    they load the signed-in person and every row themselves rather than find them in the
    test's session.
    """

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", counter.record)
            try:
                yield counter
            finally:
                event.remove(db.engine, "before_cursor_execute", counter.record)

    return counting

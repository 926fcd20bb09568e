"""Shared fixtures: the app on each database backend, a client, factories and sign-in."""

import os
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from app import create_app
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
from app.seed import load_national_partners, load_outcome_frameworks

PASSWORD = "correct-horse"
# Every database test runs on SQLite, and again on PostgreSQL when its URL is given.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def reset_postgresql(url: str) -> None:
    """Drop everything in the test database's public schema, migrations' table included."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_uri(request, tmp_path) -> str:
    """An empty database on one backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = database_url(os.environ["TEST_DATABASE_URL"])
    reset_postgresql(url)
    return url


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to the app's, by overriding this fixture."""
    return {}


@pytest.fixture
def app(database_uri, app_settings):
    """The application with the schema created and the outcome frameworks loaded."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_uri,
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
            **app_settings,
        }
    )
    with app.app_context():
        db.create_all()
        load_outcome_frameworks()
        load_national_partners()
        yield app
        db.session.remove()
        db.engine.dispose()


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

    def __init__(self):
        self.counter = 0

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
def make(app) -> Factory:
    """The factory for users, consultations and ideas."""
    return Factory()


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

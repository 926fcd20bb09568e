"""Tests are isolated: what one test writes is gone before the next, rolled back or committed,
and rows shared by some tests are seen by those tests only, as they were written.

Each turn first checks that no earlier turn left anything behind, whichever ran first, then
writes for the next turn to check. The turns run in one process, one after another.
"""

import pytest
from sqlalchemy import create_engine, func, select

from app.extensions import db
from app.models import LibraryService, Outcome
from tests.conftest import shared_rows

PROBE = "Isolation probe"
OUTCOME = "qlp.aim.a"
# The id the first new row of a table gets, by backend: the same in every turn.
first_ids: dict[str, int] = {}

pytestmark = pytest.mark.xdist_group("isolation")
modes = pytest.mark.parametrize(
    "mode", ["rolled-back", pytest.param("committing", marks=pytest.mark.committing)]
)


def probes() -> list[str]:
    """The probe rows any turn wrote."""
    return db.session.scalars(
        select(LibraryService.name).where(LibraryService.name.startswith(PROBE))
    ).all()


def outcome_wording() -> str:
    """The wording of one reference row, which a turn changes."""
    return db.session.scalars(select(Outcome.wording).where(Outcome.code == OUTCOME)).one()


def rows_seen_by_another_connection(database_uri: str) -> int:
    """How many probe rows a connection of its own sees."""
    engine = create_engine(database_uri)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(LibraryService.name.startswith(PROBE))
            return connection.execute(query).scalar_one()
    finally:
        engine.dispose()


@modes
@pytest.mark.parametrize("turn", [1, 2])
def test_what_a_test_writes_is_gone_before_the_next(app, client, make, database_uri, mode, turn):
    """No probe row and no changed reference row is left; ids start where they always do."""
    assert probes() == []
    assert "(changed)" not in outcome_wording()

    service = make.library_service(f"{PROBE} {mode} {turn}")
    backend = db.engine.dialect.name
    assert service.id == first_ids.setdefault(backend, service.id)
    outcome = db.session.scalars(select(Outcome).where(Outcome.code == OUTCOME)).one()
    outcome.wording += " (changed)"
    db.session.commit()
    assert client.get("/healthz").status_code == 200  # a request, in a context of its own

    assert probes() == [f"{PROBE} {mode} {turn}"]
    if mode == "committing":
        assert rows_seen_by_another_connection(database_uri) == 1


@shared_rows
def shared_probe(make) -> int:
    """A probe row that the tests asking for it share."""
    return make.library_service(f"{PROBE} shared").id


@modes
@pytest.mark.parametrize("turn", [1, 2])
def test_shared_rows_are_there_for_each_test_asking_and_its_own_rows_are_not(
    app, make, shared_probe, mode, turn
):
    """Each test asking for shared rows finds them as written, and nothing another test added."""
    assert probes() == [f"{PROBE} shared"]
    assert db.session.get(LibraryService, shared_probe).name == f"{PROBE} shared"
    service = make.library_service(f"{PROBE} {mode} {turn}")
    backend = db.engine.dialect.name
    assert service.id == first_ids.setdefault(f"{backend} after shared rows", service.id)
    db.session.get(LibraryService, shared_probe).name = f"{PROBE} shared (changed)"
    db.session.commit()
    assert sorted(probes()) == sorted([f"{PROBE} shared (changed)", f"{PROBE} {mode} {turn}"])


def test_a_rolled_back_test_refuses_a_second_connection(app, database_uri):
    """It would see none of the test's rows and could wait on its locks: the marker is named."""
    with pytest.raises(RuntimeError, match="pytest.mark.committing"):
        rows_seen_by_another_connection(database_uri)

"""Admins add library services and libraries and change roles; nobody locks themselves out."""

import pytest
from sqlalchemy import select

from app.admin.services import add_library_service, set_role
from app.extensions import db
from app.models import AuditEntry, Branch, LibraryService, Role
from app.rules import RuleError
from tests.conftest import csrf_token


def test_admin_makes_someone_staff_and_it_is_audited(client, make, login):
    """The role form changes the role and writes an audit entry."""
    admin, person = login(make.user(Role.ADMIN)), make.user()
    response = client.post(
        f"/admin/users/{person.id}/role",
        data={
            "csrf_token": csrf_token(client),
            f"u{person.id}-role": "staff",
            f"u{person.id}-active": "y",
        },
    )
    assert response.status_code == 303
    db.session.refresh(person)
    assert (person.role, person.active) == (Role.STAFF, True)
    entry = db.session.query(AuditEntry).filter_by(action="user.role").one()
    assert entry.actor_id == admin.id


def test_admin_cannot_remove_their_own_admin_access(make):
    """Demoting or locking yourself is refused."""
    admin = make.user(Role.ADMIN)
    with pytest.raises(RuleError):
        set_role(admin, admin, Role.STAFF, True)
    with pytest.raises(RuleError):
        set_role(admin, admin, Role.ADMIN, False)
    assert (admin.role, admin.active) == (Role.ADMIN, True)


def test_unknown_role_changes_nothing(client, make, login):
    """A made-up role is refused."""
    login(make.user(Role.ADMIN))
    person = make.user()
    client.post(
        f"/admin/users/{person.id}/role",
        data={"csrf_token": csrf_token(client), f"u{person.id}-role": "superuser"},
    )
    db.session.refresh(person)
    assert person.role == Role.YOUNG_PERSON


@pytest.fixture
def admin(make, login):
    """A signed-in admin."""
    return login(make.user(Role.ADMIN))


def add_service(client, name):
    """Post the form that adds a library service."""
    return client.post(
        "/admin/library-services", data={"csrf_token": csrf_token(client), "service-name": name}
    )


def add_branch(client, service_id, name):
    """Post the form that adds a library to a library service."""
    return client.post(
        "/admin/branches",
        data={
            "csrf_token": csrf_token(client),
            "branch-library_service": str(service_id),
            "branch-name": name,
        },
    )


def test_admin_adds_a_library_service_and_its_libraries(client, admin):
    """Both forms save, are audited, and the page lists what was added."""
    assert add_service(client, "  Riverside   Libraries ").status_code == 303
    service = db.session.query(LibraryService).one()
    assert service.name == "Riverside Libraries"
    assert add_branch(client, service.id, "Central Library").status_code == 303
    assert add_branch(client, service.id, "Eastgate Library").status_code == 303
    page = client.get("/admin/").get_data(as_text=True)
    for name in ("Riverside Libraries", "Central Library", "Eastgate Library"):
        assert name in page
    actions = sorted(db.session.execute(select(AuditEntry.action)).scalars())
    assert actions == ["branch.add", "branch.add", "library_service.add"]


def test_the_new_library_service_can_be_chosen_for_a_consultation(client, admin):
    """What admins add is what staff choose from when they put a question."""
    add_service(client, "Hillside Libraries")
    page = client.get("/staff/consultations/new").get_data(as_text=True)
    assert "Hillside Libraries" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the name of the library service."),
        ("x" * 121, "Use 120 characters or fewer for “Name of the library service”."),
        ("Riverside Libraries", "There is already one with that name."),
    ],
)
def test_a_bad_library_service_name_is_refused_and_kept_on_the_form(client, admin, name, message):
    """A missing, overlong or taken name gets a message; nothing is added."""
    db.session.add(LibraryService(name="Riverside Libraries"))
    db.session.commit()
    response = add_service(client, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(LibraryService).count() == 1


def test_a_library_twice_in_one_service_is_refused(client, admin):
    """Two libraries of one service cannot share a name; another service may use it."""
    riverside, hillside = LibraryService(name="Riverside"), LibraryService(name="Hillside")
    db.session.add_all([riverside, hillside])
    db.session.commit()
    assert add_branch(client, riverside.id, "Central Library").status_code == 303
    response = add_branch(client, riverside.id, "Central Library")
    assert response.status_code == 400
    assert "There is already one with that name." in response.get_data(as_text=True)
    assert add_branch(client, hillside.id, "Central Library").status_code == 303
    assert db.session.query(Branch).count() == 2


def test_a_library_needs_a_library_service_from_the_list(client, admin):
    """An unknown library service is refused, not a server error."""
    response = add_branch(client, 999, "Central Library")
    assert response.status_code == 400
    assert db.session.query(Branch).count() == 0


def test_only_admins_add_library_services(make):
    """Staff cannot add library services, even through the rules directly."""
    with pytest.raises(RuleError):
        add_library_service(make.user(Role.STAFF), "Riverside Libraries")

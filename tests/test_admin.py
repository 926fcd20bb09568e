"""Admins change roles; nobody can lock out the last way in."""

import pytest

from app.admin.services import set_role
from app.extensions import db
from app.models import AuditEntry, Role
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

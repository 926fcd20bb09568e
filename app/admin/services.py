"""The rules for administration: roles and who may sign in."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.models import LibraryService, Role, User
from app.rules import RuleError


def all_users() -> list[User]:
    """Every account, by pseudonym."""
    return list(db.session.execute(select(User).order_by(User.username)).scalars())


def all_library_services() -> list[LibraryService]:
    """Every library service, by name."""
    return list(db.session.execute(select(LibraryService).order_by(LibraryService.name)).scalars())


def set_role(user: User, actor: User, role: Role, active: bool) -> None:
    """Change someone's role and whether they may sign in; admins cannot lock themselves out."""
    if actor.role != Role.ADMIN:
        raise RuleError(_l("Only admins can change roles."))
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise RuleError(_l("You cannot remove your own admin access."))
    previous = {"role": user.role.value, "active": user.active}
    user.role, user.active = role, active
    record(actor, "user.role", user, previous=previous, role=role.value, active=active)
    db.session.commit()

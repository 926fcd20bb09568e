"""The rules for administration: library services, branches, roles and who may sign in."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit import record
from app.extensions import db
from app.models import Branch, LibraryService, Role, User
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

SEARCH_MAX = 30


def find_accounts(search: str = "", cursor: Cursor | None = None) -> Page[User]:
    """A page of accounts by pseudonym, whatever its letter case; those starting with `search`."""
    name = func.lower(User.username, type_=String)
    statement = select(User)
    search = search.strip().lower()[:SEARCH_MAX]
    if search:
        statement = statement.where(name.startswith(search, autoescape=True))
    return paginate(statement, [name], cursor)


def library_services_page(cursor: Cursor | None = None) -> Page[LibraryService]:
    """A page of library services by name, each with its libraries."""
    return paginate(
        select(LibraryService).options(selectinload(LibraryService.branches)),
        [LibraryService.name],
        cursor,
    )


def all_library_services() -> list[LibraryService]:
    """Every library service, by name, with its libraries: the choices in forms.

    Not paged: a choice list must offer every service, and a platform serves a few local
    authorities, not thousands.
    """
    return list(
        db.session.execute(
            select(LibraryService)
            .options(selectinload(LibraryService.branches))
            .order_by(LibraryService.name)
        ).scalars()
    )


NAME_MAX = 120


def _require_admin(actor: User) -> None:
    """Refuse anyone who is not an admin."""
    if actor.role != Role.ADMIN:
        raise RuleError(_l("Only admins can do that."))


def _check_name(name: str) -> str:
    """Trim a library's name and refuse an empty or overlong one."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise RuleError(_l("Please give a name of up to 120 characters."))
    return name


def _save_unique(actor: User, row, action: str, **detail):
    """Store a new named row and audit it; a name already taken is refused."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RuleError(_l("There is already one with that name.")) from None
    record(actor, action, row, **detail)
    db.session.commit()
    return row


def add_library_service(actor: User, name: str) -> LibraryService:
    """Add a local authority's library service."""
    _require_admin(actor)
    name = _check_name(name)
    return _save_unique(actor, LibraryService(name=name), "library_service.add", name=name)


def add_branch(actor: User, library_service_id: int | None, name: str) -> Branch:
    """Add a library (a building or a mobile library) to a library service."""
    _require_admin(actor)
    service = db.session.get(LibraryService, library_service_id) if library_service_id else None
    if service is None:
        raise RuleError(_l("Please choose a library service from the list."))
    name = _check_name(name)
    branch = Branch(library_service=service, name=name)
    return _save_unique(actor, branch, "branch.add", name=name, library_service=service.name)


def set_role(user: User, actor: User, role: Role, active: bool) -> None:
    """Change someone's role and whether they may sign in; admins cannot lock themselves out."""
    _require_admin(actor)
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise RuleError(_l("You cannot remove your own admin access."))
    previous = {"role": user.role.value, "active": user.active}
    user.role, user.active = role, active
    record(actor, "user.role", user, previous=previous, role=role.value, active=active)
    db.session.commit()

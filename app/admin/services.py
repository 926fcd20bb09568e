"""The rules for administration: library services, branches, roles, who may sign in, and which
library services each member of staff belongs to."""

from collections import defaultdict

from sqlalchemy import String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from app.audit import record
from app.auth.sessions import end_sign_ins
from app.extensions import db
from app.i18n import _l
from app.models import Branch, LibraryService, Role, StaffMembership, User
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


def set_asks_about_you(actor: User, service: LibraryService, asks: bool) -> None:
    """Switch the optional "about you" questions on or off for a library service's young people.

    The audit entry names the library service and the admin, never a young person.
    """
    _require_admin(actor)
    if service.asks_about_you == asks:
        return
    service.asks_about_you = asks
    record(actor, "library_service.asks_about_you", service, name=service.name, asks=asks)
    db.session.commit()


def set_role(user: User, actor: User, role: Role, active: bool) -> None:
    """Change someone's role and whether they may sign in; admins cannot lock themselves out.

    Either change signs the person out on every device.
    """
    _require_admin(actor)
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise RuleError(_l("You cannot remove your own admin access."))
    previous = {"role": user.role.value, "active": user.active}
    if (role, active) != (user.role, user.active):
        # Every device signs in afresh under the new role; unlocking revives no old session.
        end_sign_ins(user)
    user.role, user.active = role, active
    record(actor, "user.role", user, previous=previous, role=role.value, active=active)
    db.session.commit()


# --- Staff memberships: the library services a member of staff acts in ----------------------


def memberships_page(user: User, cursor: Cursor | None = None) -> Page[StaffMembership]:
    """A page of the library services `user` belongs to, by name, each with its service."""
    return paginate(
        select(StaffMembership)
        .join(StaffMembership.library_service)
        .where(StaffMembership.user_id == user.id)
        .options(contains_eager(StaffMembership.library_service)),
        [LibraryService.name],
        cursor,
    )


def library_services_to_join(user: User) -> list[LibraryService]:
    """The library services `user` does not belong to yet, by name: the choices to add.

    Not paged: a choice list must offer every service, and there are a few, not thousands.
    """
    joined = select(StaffMembership.library_service_id).where(StaffMembership.user_id == user.id)
    return list(
        db.session.execute(
            select(LibraryService)
            .where(LibraryService.id.not_in(joined))
            .order_by(LibraryService.name)
        ).scalars()
    )


def library_service_names_by_user(user_ids: list[int]) -> dict[int, list[str]]:
    """The names of the library services each of these accounts belongs to, in one query."""
    rows = db.session.execute(
        select(StaffMembership.user_id, LibraryService.name)
        .join(StaffMembership.library_service)
        .where(StaffMembership.user_id.in_(user_ids))
        .order_by(LibraryService.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for user_id, name in rows:
        names[user_id].append(name)
    return dict(names)


def add_membership(actor: User, user: User, library_service_id: int | None) -> StaffMembership:
    """Make a member of staff belong to a library service, so they act in it.

    Only staff accounts belong to library services: QLP reviewers read every one and admins
    act in all of them. Belonging twice is refused, even when two admins add it at once.
    """
    _require_admin(actor)
    if user.role != Role.STAFF:
        raise RuleError(
            _l(
                "Only staff accounts belong to library services. QLP reviewers read every "
                "library service and admins act in all of them."
            )
        )
    service = db.session.get(LibraryService, library_service_id) if library_service_id else None
    if service is None:
        raise RuleError(_l("Please choose a library service from the list."))
    duplicate = RuleError(
        _l("%(name)s already belongs to %(service)s.", name=user.username, service=service.name)
    )
    already = db.session.execute(
        select(StaffMembership.id).where(
            StaffMembership.user_id == user.id, StaffMembership.library_service_id == service.id
        )
    ).first()
    if already is not None:
        raise duplicate
    membership = StaffMembership(user_id=user.id, library_service=service)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:  # the unique constraint: another admin added it just now
        db.session.rollback()
        raise duplicate from None
    record(actor, "membership.add", user, library_service=service.name, membership=membership.id)
    db.session.commit()
    return membership


def remove_membership(actor: User, membership: StaffMembership) -> None:
    """Take a member of staff out of a library service; the audit log keeps that they were in.

    Removing one that another admin removed just now is refused, and records nothing.
    """
    _require_admin(actor)
    user = db.session.get(User, membership.user_id)
    service_name, membership_id = membership.library_service.name, membership.id
    removed = db.session.execute(
        delete(StaffMembership).where(StaffMembership.id == membership_id)
    ).rowcount
    if removed != 1:
        db.session.rollback()
        raise RuleError(_l("That was removed just now."))
    record(actor, "membership.remove", user, library_service=service_name, membership=membership_id)
    db.session.commit()


def set_safeguarding_lead(actor: User, membership: StaffMembership, lead: bool) -> None:
    """Designate a member of staff as a safeguarding lead of a library service, or stop it.

    Leads read the service's safeguarding concerns; a service may have several.
    """
    _require_admin(actor)
    service = membership.library_service
    user = db.session.get(User, membership.user_id)
    if membership.safeguarding_lead == lead:
        names = {"name": user.username, "service": service.name}
        if lead:
            raise RuleError(_l("%(name)s is already a safeguarding lead of %(service)s.", **names))
        raise RuleError(_l("%(name)s is not a safeguarding lead of %(service)s.", **names))
    membership.safeguarding_lead = lead
    record(
        actor,
        "membership.safeguarding_lead",
        user,
        library_service=service.name,
        membership=membership.id,
        lead=lead,
    )
    db.session.commit()

"""Who may use which page, and which library services staff act in: the one place for both."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, make_response, request, url_for
from flask_login import current_user, login_url
from sqlalchemy import select

from app.extensions import db, login_manager
from app.i18n import _l
from app.models import Role, StaffMembership
from app.rules import RuleError
from app.web import is_htmx, local_path

STAFF_ROLES = (Role.STAFF, Role.ADMIN)
REVIEW_ROLES = (Role.QLP_REVIEWER, Role.STAFF, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)
# Co-designed services: staff work on them, QLP reviewers read them all.
CODESIGN_ROLES = (Role.STAFF, Role.ADMIN, Role.QLP_REVIEWER)
# Writing and signing QLP reviews.
REVIEWER_ROLES = (Role.QLP_REVIEWER, Role.ADMIN)
YOUNG_PERSON_ROLES = (Role.YOUNG_PERSON,)


def _sign_in_for_htmx() -> Response:
    """Tell htmx to load the sign-in page, returning afterwards to the page the person was on."""
    current_page = urlsplit(request.headers.get("HX-Current-URL", "")).path
    response = make_response("", 200)
    response.headers["HX-Redirect"] = login_url(
        "auth.sign_in", next_url=local_path(current_page, url_for("ideas.index"))
    )
    return response


def check_roles(roles: tuple[Role, ...]):
    """Send anonymous people to sign in; refuse signed-in people without one of the roles."""
    if not current_user.is_authenticated:
        # A plain redirect would be followed by htmx and swapped into the page.
        return _sign_in_for_htmx() if is_htmx() else login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def roles_required(*roles: Role) -> Callable:
    """Decorate a view so only the given roles may use it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            refusal = check_roles(roles)
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        return wrapped

    return decorator


def restrict_blueprint(bp: Blueprint, *roles: Role) -> None:
    """Apply the role check to every view of a blueprint."""
    bp.before_request(lambda: check_roles(roles))


def member_library_service_ids(user) -> frozenset[int] | None:
    """The library services a member of staff acts in; None for admins, who act in all."""
    if user.role == Role.ADMIN:
        return None
    if user.role != Role.STAFF:
        return frozenset()
    return frozenset(
        db.session.execute(
            select(StaffMembership.library_service_id).where(StaffMembership.user_id == user.id)
        ).scalars()
    )


def readable_library_service_ids(user) -> frozenset[int] | None:
    """The library services whose staff pages `user` reads; None for all (admins, reviewers)."""
    if user.role == Role.QLP_REVIEWER:
        return None
    return member_library_service_ids(user)


def acts_in(user, library_service_id: int) -> bool:
    """True if `user` may act for this library service: an admin, or staff who belong to it."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.STAFF:
        return False
    return (
        db.session.execute(
            select(StaffMembership.id).where(
                StaffMembership.user_id == user.id,
                StaffMembership.library_service_id == library_service_id,
            )
        ).first()
        is not None
    )


def refuse_unless_staff_of(actor, library_service_id: int) -> None:
    """The rule services apply: refuse (RuleError) anyone but admins and this service's staff."""
    if actor.role not in STAFF_ROLES:
        raise RuleError(_l("Only library staff can do that."))
    if not acts_in(actor, library_service_id):
        raise RuleError(_l("Only staff of this library service can do that."))


def require_member(library_service_id: int) -> None:
    """Refuse (403) the signed-in person unless they act for this library service."""
    if not acts_in(current_user, library_service_id):
        abort(403)


def reads_in(user, library_service_id: int) -> bool:
    """True if `user` may read a library service's staff pages: QLP reviewers read them all."""
    return user.role == Role.QLP_REVIEWER or acts_in(user, library_service_id)


def require_reader(library_service_id: int) -> None:
    """Refuse (403) the signed-in person unless they may read this library service's pages."""
    if not reads_in(current_user, library_service_id):
        abort(403)


# --- Safeguarding: only a library service's designated leads read and close its concerns ------


def led_library_service_ids(user) -> frozenset[int]:
    """The library services `user` is a designated safeguarding lead of (none for most people).

    Admins are not leads by being admins: concerns hold sensitive details about children, so
    only the people a library service has designated read them.
    """
    if not user.is_authenticated or user.role not in STAFF_ROLES:
        return frozenset()
    return frozenset(
        db.session.execute(
            select(StaffMembership.library_service_id).where(
                StaffMembership.user_id == user.id, StaffMembership.safeguarding_lead.is_(True)
            )
        ).scalars()
    )


def leads(user, library_service_id: int) -> bool:
    """True if `user` is a designated safeguarding lead of this library service."""
    return library_service_id in led_library_service_ids(user)


def refuse_unless_lead_of(actor, library_service_id: int) -> None:
    """The rule services apply: refuse (RuleError) anyone but this service's safeguarding leads."""
    if not leads(actor, library_service_id):
        raise RuleError(_l("Only this library service's safeguarding leads can do that."))


def require_lead(library_service_id: int | None = None) -> None:
    """Refuse (403) the signed-in person unless they lead this library service's safeguarding.

    With no library service, refuse unless they are a safeguarding lead somewhere.
    """
    led = led_library_service_ids(current_user)
    if not led or (library_service_id is not None and library_service_id not in led):
        abort(403)

"""Who may use which page, and which library services staff act in: the one place for both."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, make_response, request, url_for
from flask_login import current_user, login_url
from sqlalchemy import ColumnElement, and_, select, union

from app.extensions import db, login_manager
from app.i18n import _l
from app.models import (
    PUBLIC_STATUSES,
    CodesignVolunteer,
    Consultation,
    Idea,
    Phase,
    QlpReview,
    Role,
    StaffMembership,
    Vote,
)
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


# --- Reading what is not public: unpublished ideas and draft consultations -------------------
#
# What young people wrote before staff published it (and after staff hid, sent back or turned it
# down) may hold a child's phone number, school or words staff judged unkind; a draft
# consultation is a question not yet put. So beyond what everyone reads, these are read by:
# - the idea's author, whatever its status (they follow what happens to it);
# - staff who are members of its library service, and admins (they moderate it);
# - QLP reviewers, for ideas that co-designed services are built from (they review those
#   services against what young people asked for), and nothing else unpublished.
# Staff of another library service, staff with no library service yet and young people who
# are not the author read only what is public. Every page, partial, count and stream that
# loads one idea or consultation asks these functions; pages listing many ideas list only
# public ones (`public_ideas`), or only those of the library services the viewer acts in.


def idea_is_public(idea: Idea) -> bool:
    """Shown to everyone: published (or later), in a consultation that is not a draft.

    A consultation staff take back to draft takes its ideas out of view with it.
    """
    return idea.status in PUBLIC_STATUSES and idea.consultation.is_public


def public_ideas() -> ColumnElement[bool]:
    """`idea_is_public` as a condition on `Idea`, for queries of many ideas at once."""
    return and_(
        Idea.status.in_(sorted(PUBLIC_STATUSES)),
        Idea.consultation.has(Consultation.phase != Phase.DRAFT),
    )


def may_read_consultation(user, consultation: Consultation) -> bool:
    """A draft is read only by its library service's staff and admins; the rest by everyone."""
    if consultation.is_public:
        return True
    return user.is_authenticated and acts_in(user, consultation.library_service_id)


def may_read_idea(user, idea: Idea) -> bool:
    """Everyone reads a public idea; one that is not public is read only by its author, staff
    of its library service and admins, and (if a co-designed service is built from it) QLP
    reviewers."""
    if idea_is_public(idea):
        return True
    if not user.is_authenticated:
        return False
    if idea.author_id == user.id:
        return True
    if user.role == Role.QLP_REVIEWER:
        return idea.codesign_service_id is not None
    return acts_in(user, idea.consultation.library_service_id)


# --- Co-designers, partners and draft reviews -------------------------------------------------


def sees_codesigner_names(user, library_service_id: int) -> bool:
    """Staff of a service's library service (and admins) see who offered to co-design it, to
    answer them and run sessions; QLP reviewers, who read every service, get counts by age
    band, never names, whether or not the young people chose to be credited."""
    return acts_in(user, library_service_id)


def may_add_partners(user) -> bool:
    """The partner directory is shared by every library service: its staff (members of at
    least one) and admins add to it; staff who belong to none yet do not."""
    ids = member_library_service_ids(user)
    return ids is None or bool(ids)


def owns_draft(user, review: QlpReview) -> bool:
    """A draft QLP review belongs to the reviewer who started it (or an admin gave it to) until
    it is signed: only they change or sign it. Others who read the service read it as it is."""
    return (
        review.signed_at is None
        and user.is_authenticated
        and user.role in REVIEWER_ROLES
        and review.reviewer_id == user.id
    )


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


# --- Reset codes: staff of a young person's library service make one, in person --------------


def taken_part_in(person) -> frozenset[int]:
    """The library services a young person belongs to, as far as anything here shows it: those
    whose consultations they sent ideas to or voted in, or whose ideas they offered to help
    design. (No account records where its owner joined: see JoinCode.)"""
    by_idea = select(Consultation.library_service_id).join(
        Idea, Idea.consultation_id == Consultation.id
    )
    return frozenset(
        db.session.execute(
            union(
                by_idea.where(Idea.author_id == person.id),
                by_idea.join(Vote, Vote.idea_id == Idea.id).where(Vote.user_id == person.id),
                by_idea.join(CodesignVolunteer, CodesignVolunteer.idea_id == Idea.id).where(
                    CodesignVolunteer.user_id == person.id
                ),
            )
        ).scalars()
    )


def may_make_reset_code(actor, person) -> bool:
    """Admins, and staff of a library service the young person has taken part in, make a
    password reset code for them; for anyone else, a code would hand over the account."""
    if person.role != Role.YOUNG_PERSON or actor.role not in STAFF_ROLES:
        return False
    if actor.role == Role.ADMIN:
        return True
    return bool(member_library_service_ids(actor) & taken_part_in(person))


def refuse_unless_may_make_reset_code(actor, person) -> None:
    """The rule reset codes apply: refuse (RuleError) anyone `may_make_reset_code` refuses."""
    if actor.role not in STAFF_ROLES:
        raise RuleError(_l("Only library staff can do that."))
    if person.role != Role.YOUNG_PERSON:
        raise RuleError(
            _l("Reset codes are only for young people's accounts."),
            field="username",
        )
    if not may_make_reset_code(actor, person):
        raise RuleError(
            _l(
                "This young person has not taken part in your library service's consultations, "
                "so only their own library's staff or an admin can make their code."
            ),
            field="username",
        )

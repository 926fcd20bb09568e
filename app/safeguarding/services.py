"""The rules for safeguarding concerns: staff raise them, a library service's designated
safeguarding leads read them, record what they did, and close them.

A concern's words can hold sensitive details about a child, so they are kept out of the audit
log (which every admin reads) and shown only in the safeguarding area, to the leads.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.access import led_library_service_ids, refuse_unless_lead_of, refuse_unless_staff_of
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.models import (
    ConcernStatus,
    Idea,
    LibraryService,
    SafeguardingConcern,
    StaffMembership,
    User,
    utcnow,
)
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

CONCERN_MAX = 4000
OUTCOME_MAX = 4000


def _check_text(text: str | None, limit: int, field: str, empty_message) -> str:
    """Trim a concern's or an outcome's words; refuse them empty or over `limit` characters."""
    text = (text or "").strip()
    if not text:
        raise RuleError(empty_message, field=field)
    if len(text) > limit:
        raise RuleError(_l("Please keep it under %(limit)s characters.", limit=limit), field=field)
    return text


def has_lead(library_service_id: int) -> bool:
    """True if the library service has at least one designated safeguarding lead."""
    return (
        db.session.execute(
            select(StaffMembership.id).where(
                StaffMembership.library_service_id == library_service_id,
                StaffMembership.safeguarding_lead.is_(True),
            )
        ).first()
        is not None
    )


def library_services_without_lead() -> list[LibraryService]:
    """The library services nobody is designated to lead on safeguarding, by name.

    Not paged: a platform serves a few local authorities, and admins need to see every gap.
    """
    led = select(StaffMembership.library_service_id).where(
        StaffMembership.safeguarding_lead.is_(True)
    )
    return list(
        db.session.execute(
            select(LibraryService)
            .where(LibraryService.id.not_in(led))
            .order_by(LibraryService.name)
        ).scalars()
    )


def raise_concern(
    actor: User, library_service_id: int | None, concern: str, idea: Idea | None = None
) -> SafeguardingConcern:
    """Send a worry about a young person to the library service's safeguarding leads.

    About an idea, the concern goes to the idea's library service; otherwise to the one chosen,
    which must be one the member of staff acts in. It is kept even when the service has no
    lead yet, so nothing raised is lost while an admin designates one.
    """
    if idea is not None:
        library_service_id = idea.consultation.library_service_id
    service = db.session.get(LibraryService, library_service_id) if library_service_id else None
    if service is None:
        raise RuleError(
            _l("Please choose a library service from the list."), field="library_service"
        )
    refuse_unless_staff_of(actor, service.id)
    text = _check_text(concern, CONCERN_MAX, "concern", _l("Please say what worries you."))
    raised = SafeguardingConcern(
        library_service=service, idea=idea, raised_by_id=actor.id, concern=text
    )
    db.session.add(raised)
    db.session.flush()
    # The concern's words stay out of the audit log: they may name or describe a child.
    record(
        actor,
        "safeguarding.raise",
        raised,
        library_service=service.name,
        idea=idea.id if idea is not None else None,
    )
    db.session.commit()
    return raised


def _concerns_of_leads(actor: User, status: ConcernStatus):
    """Concerns in `status` of the library services `actor` leads, with what their lists show."""
    return (
        select(SafeguardingConcern)
        .where(
            SafeguardingConcern.status == status,
            SafeguardingConcern.library_service_id.in_(sorted(led_library_service_ids(actor))),
        )
        .options(
            joinedload(SafeguardingConcern.library_service),
            joinedload(SafeguardingConcern.idea),
            joinedload(SafeguardingConcern.raised_by),
            joinedload(SafeguardingConcern.closed_by),
        )
    )


def open_concerns(actor: User, cursor: Cursor | None = None) -> Page[SafeguardingConcern]:
    """A page of the open concerns of the library services `actor` leads, oldest first."""
    return paginate(_concerns_of_leads(actor, ConcernStatus.OPEN), [SafeguardingConcern.id], cursor)


def closed_concerns(actor: User, cursor: Cursor | None = None) -> Page[SafeguardingConcern]:
    """A page of the closed concerns of the library services `actor` leads, newest first."""
    return paginate(
        _concerns_of_leads(actor, ConcernStatus.CLOSED),
        [SafeguardingConcern.id],
        cursor,
        descending=True,
    )


def close_concern(actor: User, concern: SafeguardingConcern, outcome: str) -> None:
    """Record what the lead did about a concern, and close it.

    Two leads closing the same concern at once: the second is told, and changes nothing.
    """
    refuse_unless_lead_of(actor, concern.library_service_id)
    if concern.status == ConcernStatus.CLOSED:
        raise RuleError(_l("This concern is already closed."))
    text = _check_text(
        outcome, OUTCOME_MAX, "outcome", _l("Please say what you did about this concern.")
    )
    closed = db.session.execute(
        update(SafeguardingConcern)
        .where(
            SafeguardingConcern.id == concern.id,
            SafeguardingConcern.status == ConcernStatus.OPEN,
        )
        .values(
            status=ConcernStatus.CLOSED, closed_by_id=actor.id, closed_at=utcnow(), outcome=text
        )
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if closed != 1:
        db.session.rollback()
        raise RuleError(_l("This concern is already closed."))
    # Like the concern, what was done stays out of the audit log.
    record(actor, "safeguarding.close", concern, library_service=concern.library_service.name)
    db.session.commit()


def concern_for_page(concern_id: int) -> SafeguardingConcern | None:
    """One concern with its library service, idea, and who raised and closed it."""
    return db.session.execute(
        select(SafeguardingConcern)
        .where(SafeguardingConcern.id == concern_id)
        .options(
            joinedload(SafeguardingConcern.library_service),
            joinedload(SafeguardingConcern.idea).joinedload(Idea.consultation),
            joinedload(SafeguardingConcern.raised_by),
            joinedload(SafeguardingConcern.closed_by),
        )
    ).scalar_one_or_none()

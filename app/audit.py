"""Writing the append-only audit log of staff actions."""

from app.extensions import db
from app.live.events import audited
from app.models import AuditEntry, Role, User


def record(actor: User, action: str, subject, **detail) -> AuditEntry:
    """Add an audit entry for `actor` doing `action` to `subject`; committed with the action.

    A young person's own action (such as offering to help design an idea) is recorded without
    who took it: the log is kept for good, and a young person may delete their account, after
    which nothing may link back to them. What was done, to what, and when, stays.
    """
    entry = AuditEntry(
        actor_id=None if actor.role == Role.YOUNG_PERSON else actor.id,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        detail=detail,
    )
    db.session.add(entry)
    audited(subject)
    return entry

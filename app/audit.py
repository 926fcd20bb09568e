"""Writing the append-only audit log of staff actions."""

from app.extensions import db
from app.live.events import audited
from app.models import AuditEntry, User


def record(actor: User, action: str, subject, **detail) -> AuditEntry:
    """Add an audit entry for `actor` doing `action` to `subject`; committed with the action."""
    entry = AuditEntry(
        actor_id=actor.id,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        detail=detail,
    )
    db.session.add(entry)
    audited(subject)
    return entry

"""The append-only record of every staff action."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class AuditEntry(db.Model):
    """Who did what to which thing, and when; never changed or deleted.

    The database refuses it too (triggers below, and in the migration), so neither a bug nor
    raw SQL through the application's connection can rewrite history. Young people's own
    actions are recorded without who took them (app/audit.py), so deleting their account
    never needs to touch the log.
    """

    __tablename__ = "audit_entries"
    # The log viewer filters by person or action and reads newest first.
    __table_args__ = (
        sa.Index("ix_audit_entries_actor_id_id", "actor_id", "id"),
        sa.Index("ix_audit_entries_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    """Audit entries are written once."""
    raise AuditLogIsAppendOnly(f"audit entry {target.id} cannot be changed")


# The same triggers are created by the migration (migrations/versions/*_audit_log_viewer_*),
# which keeps its own copy of this SQL, as migrations do.
_POSTGRESQL_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused';
END
$$
"""
)
_POSTGRESQL_TRIGGER = DDL(
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
)
_SQLITE_UPDATE_TRIGGER = DDL(
    """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: update refused');
END
"""
)
_SQLITE_DELETE_TRIGGER = DDL(
    """
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: delete refused');
END
"""
)
for _ddl, _dialect in [
    (_POSTGRESQL_FUNCTION, "postgresql"),
    (_POSTGRESQL_TRIGGER, "postgresql"),
    (_SQLITE_UPDATE_TRIGGER, "sqlite"),
    (_SQLITE_DELETE_TRIGGER, "sqlite"),
]:
    event.listen(AuditEntry.__table__, "after_create", _ddl.execute_if(dialect=_dialect))

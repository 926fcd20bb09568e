"""Audit log viewer: indexes by person and by action, and triggers that keep the log append-only

Revision ID: 7bf0d2602e51
Revises: 4fc5206e1d01
Create Date: 2026-11-24 04:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7bf0d2602e51'
down_revision = '4fc5206e1d01'
branch_labels = None
depends_on = None

# The database refuses UPDATE and DELETE on audit entries.
POSTGRESQL_UPGRADE = [
    """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused';
END
$$
""",
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
]
POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER audit_entries_append_only ON audit_entries",
    "DROP FUNCTION audit_entries_append_only()",
]
SQLITE_UPGRADE = [
    """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: update refused');
END
""",
    """
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: delete refused');
END
""",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER audit_entries_no_update",
    "DROP TRIGGER audit_entries_no_delete",
]


def _triggers(postgresql: list[str], sqlite: list[str]) -> None:
    """Run the statements for this database's dialect."""
    statements = postgresql if op.get_bind().dialect.name == "postgresql" else sqlite
    for statement in statements:
        op.execute(statement)


def upgrade():
    # Plain (not batch) index creation: a batch rebuild of this table on SQLite would drop
    # its triggers, so any later migration that rebuilds it must create them again.
    op.create_index('ix_audit_entries_actor_id_id', 'audit_entries', ['actor_id', 'id'], unique=False)
    op.create_index('ix_audit_entries_action_id', 'audit_entries', ['action', 'id'], unique=False)
    # From now on young people's own actions are recorded without who took them, so that
    # deleting their account never touches the log; entries made before lose the name now,
    # the last change the log allows.
    op.execute(
        "UPDATE audit_entries SET actor_id = NULL WHERE actor_id IN "
        "(SELECT id FROM users WHERE role = 'young_person')"
    )
    _triggers(POSTGRESQL_UPGRADE, SQLITE_UPGRADE)


def downgrade():
    _triggers(POSTGRESQL_DOWNGRADE, SQLITE_DOWNGRADE)
    op.drop_index('ix_audit_entries_action_id', table_name='audit_entries')
    op.drop_index('ix_audit_entries_actor_id_id', table_name='audit_entries')

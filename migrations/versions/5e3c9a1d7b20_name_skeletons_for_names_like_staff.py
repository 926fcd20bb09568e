"""Name skeletons: a young person's new name is refused when it looks like a member of staff's

Revision ID: 5e3c9a1d7b20
Revises: 422b476ece98
Create Date: 2026-12-07 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.pseudonyms import name_skeleton

# revision identifiers, used by Alembic.
revision = '5e3c9a1d7b20'
down_revision = '422b476ece98'
branch_labels = None
depends_on = None

BATCH = 1000
NOT_A_YOUNG_PERSON = sa.text("role != 'young_person'")


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_skeleton', sa.String(length=30), nullable=True))

    # Each existing name's skeleton, worked out by the app's own rule, a batch at a time.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('name_skeleton', sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(users.c.id, users.c.username)
            .where(users.c.id > last).order_by(users.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            users.update().where(users.c.id == sa.bindparam('user_id'))
            .values(name_skeleton=sa.bindparam('skeleton')),
            [{'user_id': row.id, 'skeleton': name_skeleton(row.username)} for row in rows],
        )
        last = rows[-1].id

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('name_skeleton', existing_type=sa.String(length=30), nullable=False)
    _restore_lower_username_index()
    # Only the names of staff, QLP reviewers and admins: the ones young people's are checked against.
    op.create_index(
        'ix_users_staff_name_skeleton', 'users', ['name_skeleton'], unique=False,
        sqlite_where=NOT_A_YOUNG_PERSON, postgresql_where=NOT_A_YOUNG_PERSON,
    )


def downgrade():
    op.drop_index('ix_users_staff_name_skeleton', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name_skeleton')
    _restore_lower_username_index()


def _restore_lower_username_index():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's batch mode rebuilt the table without its expression index: put it back.
        op.create_index(
            'uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True
        )

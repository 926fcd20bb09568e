"""What we learned: the Quality Leader's lessons on each co-designed service, with who and when

Revision ID: e21d00000001
Revises: e21e00000001
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e21d00000001'
down_revision = 'e21e00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('codesign_services', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('lessons_learned', sa.Text(), server_default='', nullable=False)
        )
        batch_op.add_column(sa.Column('lessons_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lessons_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_codesign_services_lessons_by_id_users'), 'users', ['lessons_by_id'],
            ['id']
        )


def downgrade():
    with op.batch_alter_table('codesign_services', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_codesign_services_lessons_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('lessons_at')
        batch_op.drop_column('lessons_by_id')
        batch_op.drop_column('lessons_learned')

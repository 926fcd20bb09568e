"""A join code's language, and readers' suggestions for wording

Revision ID: e20c1a2b3d01
Revises: c7a4e2f19b63
Create Date: 2026-12-07 11:03:05.762842

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e20c1a2b3d01'
down_revision = 'c7a4e2f19b63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wording_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('page', sa.String(length=300), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('better', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('new', 'accepted', 'dismissed', name='suggestion_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_wording_suggestions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wording_suggestions'))
    )
    with op.batch_alter_table('wording_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_wording_suggestions_status_id', ['status', 'id'], unique=False)

    with op.batch_alter_table('join_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))



def downgrade():
    with op.batch_alter_table('join_codes', schema=None) as batch_op:
        batch_op.drop_column('language')

    with op.batch_alter_table('wording_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_wording_suggestions_status_id')

    op.drop_table('wording_suggestions')

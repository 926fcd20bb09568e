"""Indexes for sign-in and for lists a page at a time

Revision ID: 653ede419aef
Revises: fd2069a3de74
Create Date: 2026-11-23 20:38:26.332902

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '653ede419aef'
down_revision = 'fd2069a3de74'
branch_labels = None
depends_on = None


def upgrade():
    # Sign-in finds a pseudonym whatever its letter case; one name per spelling.
    op.create_index(
        'uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True
    )
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_consultation_votes', ['consultation_id', 'vote_count', 'id'], unique=False)
        batch_op.create_index('ix_ideas_status_id', ['status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_status_id')
        batch_op.drop_index('ix_ideas_consultation_votes')
    op.drop_index('uq_users_username_lower', table_name='users')

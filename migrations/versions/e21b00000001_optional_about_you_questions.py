"""Optional "about you" questions: a library service's switch, each person's answers, and when
they were asked

Revision ID: e21b00000001
Revises: e21d00000001
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e21b00000001'
down_revision = 'e21d00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('library_services', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('asks_about_you', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('about_you_asked_at', sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        'about_you_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column(
            'question',
            sa.Enum('new_to_uk', 'looked_after', 'young_carer', 'disability', 'rural',
                    name='about_you_question', native_enum=False, create_constraint=True,
                    length=32),
            nullable=False,
        ),
        sa.Column(
            'answer',
            sa.Enum('yes', 'no', 'prefer_not_to_say', name='about_you_answer',
                    native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_about_you_answers_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_about_you_answers')),
        sa.UniqueConstraint(
            'user_id', 'question', name=op.f('uq_about_you_answers_user_id_question')
        ),
    )
    op.create_index(
        'ix_about_you_answers_totals', 'about_you_answers', ['question', 'answer', 'user_id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_about_you_answers_totals', table_name='about_you_answers')
    op.drop_table('about_you_answers')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('about_you_asked_at')
    with op.batch_alter_table('library_services', schema=None) as batch_op:
        batch_op.drop_column('asks_about_you')

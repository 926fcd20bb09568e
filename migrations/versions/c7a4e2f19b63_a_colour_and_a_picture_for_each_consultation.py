"""A colour and a picture for each consultation, chosen by staff

Revision ID: c7a4e2f19b63
Revises: a8a9d9a776fb
Create Date: 2026-12-07 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c7a4e2f19b63'
down_revision = 'a8a9d9a776fb'
branch_labels = None
depends_on = None

# The palette and the pictures as they were when this revision was written (app/models/consultations.py).
COLOURS = ('sun', 'sky', 'leaf', 'berry', 'coral', 'grape')
PICTURES = ('book', 'bulb', 'speech', 'star', 'rocket', 'music')


def _by_id(values):
    """A SQL expression giving each row one of `values`, one after another by id."""
    return sa.case(
        *[(sa.column('id') % len(values) == n, value) for n, value in enumerate(values)],
        else_=values[0],
    )


def upgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'colour',
            sa.Enum(*COLOURS, name='consultation_colour', native_enum=False,
                    create_constraint=True, length=32),
            server_default='sky', nullable=False,
        ))
        batch_op.add_column(sa.Column(
            'picture',
            sa.Enum(*PICTURES, name='consultation_picture', native_enum=False,
                    create_constraint=True, length=32),
            server_default='book', nullable=False,
        ))
    # Existing consultations do not all look alike: each gets the colour and picture its id
    # gives, as the app gives one that was saved without a choice.
    consultations = sa.table('consultations', sa.column('id', sa.Integer),
                             sa.column('colour', sa.String), sa.column('picture', sa.String))
    op.get_bind().execute(
        consultations.update().values(colour=_by_id(COLOURS), picture=_by_id(PICTURES))
    )


def downgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consultations_consultation_picture'), type_='check')
        batch_op.drop_constraint(op.f('ck_consultations_consultation_colour'), type_='check')
        batch_op.drop_column('picture')
        batch_op.drop_column('colour')

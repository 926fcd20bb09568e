"""Best Value packs: published, frozen snapshots of a library service's evidence

Revision ID: e21e00000001
Revises: b20e1d2ea001
Create Date: 2026-12-07 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e21e00000001'
down_revision = 'b20e1d2ea001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('best_value_packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_service_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_best_value_packs_pack_period_in_order')),
    sa.ForeignKeyConstraint(['library_service_id'], ['library_services.id'], name=op.f('fk_best_value_packs_library_service_id_library_services')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_best_value_packs_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_best_value_packs')),
    sa.UniqueConstraint('library_service_id', 'version', name=op.f('uq_best_value_packs_library_service_id_version')),
    sa.UniqueConstraint('token', name=op.f('uq_best_value_packs_token'))
    )


def downgrade():
    op.drop_table('best_value_packs')

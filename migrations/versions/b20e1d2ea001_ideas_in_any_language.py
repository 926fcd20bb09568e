"""Ideas in any language: each idea's language, its searchable words, staff's English
translation, and the language of staff's messages

Revision ID: b20e1d2ea001
Revises: e20c1a2b3d01
Create Date: 2026-12-07 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.search_text import searchable

# revision identifiers, used by Alembic.
revision = 'b20e1d2ea001'
down_revision = 'e20c1a2b3d01'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(
            sa.Column('language', sa.String(length=10), server_default='en', nullable=False)
        )
        batch_op.add_column(sa.Column('translated_title', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('translated_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('translated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('translated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_ideas_translated_by_id_users'), 'users', ['translated_by_id'], ['id']
        )
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('message_language', sa.String(length=10), server_default='en',
                      nullable=False)
        )

    # Each existing idea's searchable words, worked out by the app's own rule, a batch at a time.
    ideas = sa.table('ideas', sa.column('id', sa.Integer), sa.column('title', sa.String),
                     sa.column('description', sa.Text), sa.column('search_text', sa.Text))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(ideas.c.id, ideas.c.title, ideas.c.description)
            .where(ideas.c.id > last).order_by(ideas.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            ideas.update().where(ideas.c.id == sa.bindparam('idea_id'))
            .values(search_text=sa.bindparam('words')),
            [{'idea_id': row.id, 'words': searchable(f"{row.title}\n{row.description}")}
             for row in rows],
        )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.drop_column('message_language')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ideas_translated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('translated_at')
        batch_op.drop_column('translated_by_id')
        batch_op.drop_column('translated_description')
        batch_op.drop_column('translated_title')
        batch_op.drop_column('language')
        batch_op.drop_column('search_text')

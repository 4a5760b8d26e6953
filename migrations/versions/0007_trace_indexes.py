"""Traceability (issue 7): indexes the genealogy traces use.

* ``genealogy_link.supersedes_id`` (partial: only corrected links) — the forward trace
  asks for each link whether it was corrected;
* ``recipe_download_event.order_code`` — a unit's birth record finds its order's recipe.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:45:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('genealogy_link', schema=None) as batch_op:
        batch_op.create_index('ix_genealogy_link_supersedes_id', ['supersedes_id'], unique=False,
                              sqlite_where=sa.text('supersedes_id IS NOT NULL'),
                              postgresql_where=sa.text('supersedes_id IS NOT NULL'))
    with op.batch_alter_table('recipe_download_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipe_download_event_order_code'), ['order_code'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recipe_download_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipe_download_event_order_code'))
    with op.batch_alter_table('genealogy_link', schema=None) as batch_op:
        batch_op.drop_index('ix_genealogy_link_supersedes_id')

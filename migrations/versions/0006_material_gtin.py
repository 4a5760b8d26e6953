"""Materials (issue 7): the GTIN a supplier's GS1 label carries, and a low-level warning.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:20:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('material_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gtin', sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column('low_level', sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f('ix_material_definition_gtin'), ['gtin'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('material_definition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_definition_gtin'))
        batch_op.drop_column('low_level')
        batch_op.drop_column('gtin')

"""Materials consumed per lot by scan (issue 7).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:50:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('material_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consumed_per', sa.String(length=8), server_default='unit',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('material_definition', schema=None) as batch_op:
        batch_op.drop_column('consumed_per')

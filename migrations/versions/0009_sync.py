"""Sync with the central database: the quarantine of refused rows (issue 8).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'sync_quarantine',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('peer', sa.String(length=200), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('row_key', sa.String(length=200), nullable=False),
        sa.Column('row_id', sa.String(length=64), nullable=True),
        sa.Column('station_id', sa.String(length=64), nullable=True),
        sa.Column('seq', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('row_data', sa.JSON(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=64), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.CheckConstraint("direction IN ('push', 'pull')",
                           name=op.f('ck_sync_quarantine_direction_allowed')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_quarantine')),
        sa.UniqueConstraint('peer', 'direction', 'table_name', 'row_key',
                            name=op.f('uq_sync_quarantine_peer_direction_table_name_row_key')),
    )


def downgrade() -> None:
    op.drop_table('sync_quarantine')

"""Drop the single-column station_id index of every event table.

Each event table has a unique (station_id, seq) constraint whose index serves every lookup
by station; the extra index cost 16 bytes an event (~5 % of the store) and one more index
update per insert (bench/backlog_capacity.py). Compatible both ways for sync: a station one
revision behind pushes into this schema unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TABLES = (
    'alarm_event', 'andon_event', 'audit_entry', 'disposition_event', 'downtime_event',
    'genealogy_link', 'hold_event', 'inspection_result', 'login_attempt',
    'machine_state_event', 'maintenance_log_event', 'master_change_event',
    'masterdata_import_event', 'material_consumption_event', 'material_load_event',
    'material_lot', 'pin_credential', 'process_snapshot_event', 'produced_unit',
    'production_count_event', 'recipe_deviation_event', 'recipe_download_event',
    'recipe_validation_event', 'signature', 'spc_limits_event', 'step_completion_event',
    'tool_event', 'work_order_event',
)


def upgrade() -> None:
    for table in EVENT_TABLES:
        op.drop_index(f'ix_{table}_station_id', table_name=table)


def downgrade() -> None:
    for table in EVENT_TABLES:
        op.create_index(f'ix_{table}_station_id', table, ['station_id'], unique=False)

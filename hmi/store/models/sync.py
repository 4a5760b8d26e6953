"""Sync bookkeeping and the events that carry master-data changes made at a station."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmi.store.base import Base, EventMixin, new_id, utcnow
from hmi.store.models._common import one_of


class SyncState(Base):
    """Where sync with ``peer`` stands for one table.

    Events are their own outbox: ``last_pushed_seq`` is the highest station
    sequence number the peer confirmed. Master data is pulled by watermark.
    """

    __tablename__ = "sync_state"

    peer: Mapped[str] = mapped_column(String(200), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_pushed_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_pulled_version: Mapped[int] = mapped_column(Integer, default=0)
    # created_at of the newest master-data version pulled
    last_pulled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MasterChangeEvent(EventMixin, Base):
    """A master-data version was made, approved, released or retired at a station
    (the version row itself exists too; this event makes the change travel up)."""

    __tablename__ = "master_change_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("action", ["created", "approved", "released", "retired", "rolled_back"]),
    )

    table_name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The version's full content (parent and children) as JSON, so the central side
    # can create the same version; and the e-signature that approved it, if any.
    content: Mapped[dict | None] = mapped_column(default=None)
    signature_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class MasterDataImportEvent(EventMixin, Base):
    """A master-data file was imported and changed something."""

    __tablename__ = "masterdata_import_event"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    # {kind: {"created": n, "unchanged": m}}
    counts: Mapped[dict] = mapped_column(default=dict)


class SyncQuarantine(Base):
    """One refused row, keyed by where it went (peer, direction, table) and which row it is."""

    __tablename__ = "sync_quarantine"
    __table_args__ = (
        UniqueConstraint("peer", "direction", "table_name", "row_key"),
        one_of("direction", ["push", "pull"]),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    peer: Mapped[str] = mapped_column(String(200))
    # push: a station event the central side refused; pull: a central master-data version
    # in conflict with the station's own
    direction: Mapped[str] = mapped_column(String(8))
    table_name: Mapped[str] = mapped_column(String(64))
    # "<station_id>/<seq>" for an event, "<code>/v<version>" for master data
    row_key: Mapped[str] = mapped_column(String(200))
    row_id: Mapped[str | None] = mapped_column(String(64), default=None)
    station_id: Mapped[str | None] = mapped_column(String(64), default=None)
    seq: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str] = mapped_column(Text)
    # The refused row as the station (push) or the central side (pull) had it, for the admin.
    row_data: Mapped[dict | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)

"""Downtime reason tree (master data); machine state, counts, alarms, downtime,
maintenance and andon calls (events)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmi.store.base import Base, EventMixin, MasterMixin
from hmi.store.models._common import one_of


class ReasonCategory(enum.StrEnum):
    PLANNED = "planned"
    UNPLANNED = "unplanned"


class DowntimeReason(MasterMixin, Base):
    """A node of the downtime reason tree (``parent_code`` None: a root)."""

    __tablename__ = "downtime_reason"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        one_of("category", [c.value for c in ReasonCategory]),
    )

    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    category: Mapped[str] = mapped_column(String(16))
    color: Mapped[str | None] = mapped_column(String(16), default=None)
    requires_comment: Mapped[bool] = mapped_column(Boolean, default=False)

    fault_codes: Mapped[list[DowntimeReasonFaultCode]] = relationship(
        back_populates="reason", cascade="all, delete-orphan",
        order_by="DowntimeReasonFaultCode.fault_code", lazy="selectin",
    )


class DowntimeReasonFaultCode(Base):
    """A PLC fault code that classifies a stop as this reason automatically."""

    __tablename__ = "downtime_reason_fault_code"
    __table_args__ = (UniqueConstraint("reason_id", "fault_code"),)
    __master_parent__ = "reason"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reason_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("downtime_reason.id", ondelete="CASCADE"), index=True
    )
    fault_code: Mapped[int] = mapped_column(Integer, index=True)

    reason: Mapped[DowntimeReason] = relationship(back_populates="fault_codes")


class MachineStateEvent(EventMixin, Base):
    """The machine changed state (as reported by the PLC, with its timestamp)."""

    __tablename__ = "machine_state_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        # Time-window loads (hmi.services.stops.load_timeline).
        Index("ix_machine_state_event_station_source_ts", "station_id", "source_ts", "seq"),
    )

    equipment_code: Mapped[str] = mapped_column(String(64), index=True)
    state_code: Mapped[int] = mapped_column(Integer)
    state_name: Mapped[str] = mapped_column(String(64))
    fault_code: Mapped[int | None] = mapped_column(Integer, default=None)
    source_ts: Mapped[dt.datetime | None] = mapped_column(default=None)
    quality: Mapped[str] = mapped_column(String(16), default="good")


class ProductionCountEvent(EventMixin, Base):
    """Good/scrap increments derived from a PLC counter (raw value kept)."""

    __tablename__ = "production_count_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        # Time-window loads (hmi.services.stops.load_timeline).
        Index("ix_production_count_event_station_source_ts", "station_id", "source_ts", "seq"),
    )

    equipment_code: Mapped[str] = mapped_column(String(64), index=True)
    order_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    order_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # Which machine counter the raw value is from ("good" or "scrap"): the
    # last raw value per counter is the baseline after a station restart.
    counter: Mapped[str] = mapped_column(String(16), default="good")
    good_increment: Mapped[int] = mapped_column(Integer, default=0)
    scrap_increment: Mapped[int] = mapped_column(Integer, default=0)
    # uint32 counters exceed PostgreSQL's 32-bit integer.
    raw_counter: Mapped[int | None] = mapped_column(BigInteger, default=None)
    scrap_reason_code: Mapped[str | None] = mapped_column(String(64), default=None)
    source_ts: Mapped[dt.datetime | None] = mapped_column(default=None)


class AlarmEvent(EventMixin, Base):
    """An alarm was raised, cleared or acknowledged."""

    __tablename__ = "alarm_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["raised", "cleared", "acknowledged", "shelved"]),
    )

    equipment_code: Mapped[str] = mapped_column(String(64), index=True)
    alarm_code: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[int] = mapped_column(Integer, default=500)
    message: Mapped[str] = mapped_column(Text, default="")
    source_ts: Mapped[dt.datetime | None] = mapped_column(default=None)


class DowntimeEventKind(enum.StrEnum):
    STARTED = "started"
    ENDED = "ended"
    CLASSIFIED = "classified"
    SPLIT = "split"
    # Maintenance on a stop (docs/downtime.md): acknowledged by a technician, repair
    # logged (details in a MaintenanceLogEvent with the same stop_id), closed.
    ACKNOWLEDGED = "acknowledged"
    REPAIRED = "repaired"
    CLOSED = "closed"


class DowntimeEvent(EventMixin, Base):
    """One fact about a stop (``stop_id``): its start, end, classification, split or
    maintenance step (rules in docs/downtime.md, projection in hmi.services.stops).

    A reclassification is another ``classified`` event (superseding the old
    one); a split ends ``stop_id`` at ``occurred_at`` and opens ``new_stop_id``.
    """

    __tablename__ = "downtime_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", [k.value for k in DowntimeEventKind]),
        Index("ix_downtime_event_station_occurred_at", "station_id", "occurred_at"),
    )

    stop_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    equipment_code: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[dt.datetime] = mapped_column()
    reason_code: Mapped[str | None] = mapped_column(String(64), default=None)
    reason_version: Mapped[int | None] = mapped_column(Integer, default=None)
    fault_code: Mapped[int | None] = mapped_column(Integer, default=None)
    new_stop_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # auto: mapped from a fault code; operator: chosen on screen
    classified_by: Mapped[str | None] = mapped_column(String(16), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    # started / split: the machine state that caused the stop ("faulted", ..., "no_count").
    cause: Mapped[str | None] = mapped_column(String(32), default=None)
    # The stop's kind (hmi.services.timeline.StopKind) as of this event: set on started
    # (planned/unplanned), on ended when the stop stayed a micro-stop, on classified when
    # the reason's category changes it, on split for the new part; None = unchanged.
    stop_kind: Mapped[str | None] = mapped_column(String(16), default=None)


class MaintenanceLogEvent(EventMixin, Base):
    """A maintenance note, repair or check logged against equipment."""

    __tablename__ = "maintenance_log_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["note", "repair", "inspection", "preventive", "calibration"]),
    )

    equipment_code: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    stop_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    duration_min: Mapped[float | None] = mapped_column(Float, default=None)
    # [{"part": "...", "quantity": 1}, ...]
    parts_used: Mapped[list] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class AndonEvent(EventMixin, Base):
    """An andon call's life: called, acknowledged, resolved or cancelled."""

    __tablename__ = "andon_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["called", "acknowledged", "resolved", "cancelled"]),
        one_of("category", ["maintenance", "quality", "material", "supervisor", "safety"]),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    equipment_code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")


class ProcessSnapshotEvent(EventMixin, Base):
    """Process values worth keeping: a per-unit snapshot, a deviation or a
    downsampled block (raw 10 Hz history stays local and bounded)."""

    __tablename__ = "process_snapshot_event"
    __table_args__ = (
        UniqueConstraint("station_id", "seq"),
        one_of("kind", ["unit", "deviation", "downsampled"]),
    )

    kind: Mapped[str] = mapped_column(String(16))
    equipment_code: Mapped[str] = mapped_column(String(64))
    unit_serial: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    order_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # {tag: value} or {tag: [min, mean, max]} for downsampled blocks
    values: Mapped[dict] = mapped_column(default=dict)
    source_ts: Mapped[dt.datetime | None] = mapped_column(default=None)

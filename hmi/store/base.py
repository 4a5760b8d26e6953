"""Declarative base, naming convention and the two row kinds of the data model.

Two kinds of rows exist (see docs/architecture.md, "Data"):

* **Events** (:class:`EventMixin`) record what happened at a station. They are
  never updated or deleted. Each carries a UUIDv7 ``id`` (globally unique, time
  ordered) plus ``(station_id, seq)``, a gap-free per-station sequence number
  that sync uses to know what the central database already has. A correction
  is a new event naming the one it supersedes.
* **Master data** (:class:`MasterMixin`) is versioned: ``(code, version)`` is
  unique; a ``released`` version is immutable; a change is a new version.

Both kinds are guarded in the ORM (``before_flush``) so that code cannot
update an event or a released master-data row by accident.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, Uuid, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timezone-aware current UTC time (stored timestamps are always UTC)."""
    return dt.datetime.now(dt.UTC)


def new_id() -> uuid.UUID:
    """A new UUIDv7 (time ordered, so event ids sort by creation time)."""
    import uuid6  # local import keeps start-up lean

    return uuid6.uuid7()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no timezone type; PostgreSQL has ``timestamptz``. Naive values
    are refused instead of guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timestamps in UTC with tzinfo")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict: JSON(),
        list: JSON(),
        uuid.UUID: Uuid(),
    }


class EventMixin:
    """Columns every append-only event row carries."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # No index of its own: the unique (station_id, seq) of every event table serves
    # lookups by station (migration 0011).
    station_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Badge of the person acting, if any (machine events have none).
    actor_badge: Mapped[str | None] = mapped_column(String(64), default=None)
    # A correction names the event it replaces; the old row stays.
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __append_only__ = True


class MasterStatus(enum.StrEnum):
    DRAFT = "draft"
    RELEASED = "released"
    RETIRED = "retired"


class MasterMixin:
    """Columns every versioned master-data row carries."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=MasterStatus.RELEASED.value)
    valid_from: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Where this version came from: an import file's name and its SHA-256,
    # or "station:<id>" when a station made it (it then also exists as an event).
    source: Mapped[str] = mapped_column(String(200), default="")

    __versioned_master__ = True


class ImmutableRowError(RuntimeError):
    """Raised when code tries to change an event or a released master version."""


@event.listens_for(Session, "before_flush")
def _guard_append_only(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if getattr(obj, "__append_only__", False):
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                raise ImmutableRowError(
                    f"{type(obj).__name__} is an append-only event; record a correcting "
                    "event instead of changing or deleting it"
                )
        if getattr(obj, "__versioned_master__", False) and obj in session.dirty:
            state = obj.__dict__.get("_sa_instance_state")
            hist = state.attrs.status.history if state is not None else None
            old_status = (hist.deleted[0] if hist and hist.deleted else obj.status)
            if old_status == MasterStatus.RELEASED.value:
                changed = [
                    a.key for a in state.attrs
                    if a.key != "status" and a.history.has_changes()
                ]
                if changed:
                    raise ImmutableRowError(
                        f"{type(obj).__name__} {obj.code} v{obj.version} is released and "
                        f"immutable (tried to change {', '.join(changed)}); make a new version"
                    )

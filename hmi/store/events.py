"""Appending events with a gap-free per-station sequence number."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Integer, String, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hmi.store.base import Base, EventMixin
from hmi.store.rows import insert_rows

E = TypeVar("E", bound=EventMixin)


class StationSequence(Base):
    """The last sequence number a station handed out (one row per station).

    The counter is bumped inside the same transaction as the event it numbers,
    so a rolled-back event leaves no gap and a committed one is never reused.
    """

    __tablename__ = "station_sequence"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


def next_seq(session: Session, station_id: str) -> int:
    """Reserve the next sequence number for ``station_id`` in this transaction."""
    result = session.execute(
        update(StationSequence)
        .where(StationSequence.station_id == station_id)
        .values(last_seq=StationSequence.last_seq + 1)
        .returning(StationSequence.last_seq)
    ).scalar_one_or_none()
    if result is None:
        session.add(StationSequence(station_id=station_id, last_seq=1))
        session.flush()
        return 1
    return int(result)


def append_event(session: Session, event: E) -> E:
    """Number ``event`` for its station and add it to the session."""
    if not event.station_id:
        raise ValueError(f"{type(event).__name__} needs a station_id")
    event.seq = next_seq(session, event.station_id)
    session.add(event)
    return event


def reserve_seqs(session: Session, station_id: str, n: int) -> int:
    """Reserve ``n`` consecutive sequence numbers for ``station_id`` in this transaction with
    one counter update; returns the first (gap-free, rolled back with the transaction)."""
    last = session.execute(
        update(StationSequence)
        .where(StationSequence.station_id == station_id)
        .values(last_seq=StationSequence.last_seq + n)
        .returning(StationSequence.last_seq)
    ).scalar_one_or_none()
    if last is None:
        session.execute(insert(StationSequence).values(station_id=station_id, last_seq=n))
        last = n
    return int(last) - n + 1


def append_events(session: Session, events: list[E]) -> list[E]:
    """Number a batch of events of one station with one counter update (in list order).

    The same guarantee as :func:`append_event` — gap-free, never reused, rolled back with
    the transaction — for many rows at once (a batch of produced units: one round trip
    instead of one per row)."""
    if not events:
        return events
    station = events[0].station_id
    if not station or any(e.station_id != station for e in events):
        raise ValueError("append_events takes events of one station, each with its station_id")
    first = reserve_seqs(session, station, len(events))
    for i, e in enumerate(events):
        e.seq = first + i
    session.add_all(events)
    return events


#: ``session.info`` key: the (class, values) rows :func:`append_rows` wrote in the open
#: transaction.
APPENDED_ROWS = "hmi_appended_rows"


def append_rows(session: Session, items: list[tuple[type, dict[str, Any]]]
                ) -> list[tuple[type, dict[str, Any]]]:
    """:func:`append_events` for events given as (class, column values by attribute name)
    of one station, numbered in list order: no ORM objects are built (they cost more than
    writing the rows; :mod:`hmi.store.rows`). Each dict gets its ``seq``, ``id`` and
    ``recorded_at``."""
    if not items:
        return items
    station = items[0][1].get("station_id")
    if not station or any(r.get("station_id") != station for _, r in items):
        raise ValueError("append_rows takes events of one station, each with its station_id")
    first = reserve_seqs(session, station, len(items))
    for i, (_, r) in enumerate(items):
        r["seq"] = first + i
    insert_rows(session, items)
    # What the transaction appended, for hooks that report commits (``after_commit`` sees
    # no ORM objects for these rows): see hmi.headless.CommitPrinter.
    session.info.setdefault(APPENDED_ROWS, []).extend(items)
    return items


def last_event(session: Session, model: type[E], station_id: str) -> E | None:
    """The newest event of ``model`` recorded by ``station_id``."""
    return session.scalars(
        select(model).where(model.station_id == station_id).order_by(model.seq.desc()).limit(1)
    ).first()

"""Stops: detection from machine facts, and the projection of downtime events.

Pure: no Qt. :class:`StopDetector` turns machine facts (state changes, fault
codes, part counts, the passing of time) into :class:`StopTransition` values;
:func:`project` folds stored downtime events into the current
:class:`~hmi.services.timeline.StopRecord` list; :func:`load_timeline` loads a
window of states, counts and stops from the store (the only SQL here, through a
session the caller passes in, on the database worker). The rules are written up
with examples in docs/downtime.md; in short:

* ``detect="state"``: a stop starts when the machine leaves ``running`` for a
  stop state (:data:`~hmi.services.timeline.STOPPED_STATES`) and ends when it
  is ``running`` again. A change between stop states without running in between
  (faulted -> stopped -> idle) is **one** stop: the machine did not produce in
  between, the operator experienced one interruption, and the first cause (with
  the PLC's fault code) is what explains it; whoever knows better splits it
  (:meth:`~hmi.services.downtime.DowntimeService.split`). The one exception is
  ``changeover``: it is planned by the machine itself, so entering or leaving it
  ends the current stop and starts the next one (planned and unplanned time must
  never share a record).
* ``detect="count"`` (machines without a usable state tag): when nothing is
  counted for ``no_count_s`` a stop starts *at the last count* (cause
  ``no_count``); the next count ends it.
* A stop shorter than ``micro_stop_s`` is a micro-stop (kind ``micro``:
  performance loss, never prompted). It becomes *real* (kind ``unplanned``, the
  operator is asked for a reason) the moment it lasts ``micro_stop_s``.
* ``changeover`` gives a ``planned`` stop with the automatic reason
  :data:`CHANGEOVER_REASON`. Time inside a scheduled break is a ``planned`` stop
  with the automatic reason :data:`BREAK_REASON`: a stop that runs into or out of
  a break is cut at the break's boundaries (the stop ends there and the next part
  starts there, with the same cause), so only the part outside the break stays
  unplanned. Planned stops are never micro-stops. Every part is judged on its own
  duration.

Timestamps are the PLC's source times for facts and the panel's clock for
:meth:`StopDetector.tick`; the detector never goes back in time (a late fact
does not undo what a later tick decided, but its own timestamp is kept).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import enum
import gc
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hmi.services.timeline import (
    STOPPED_STATES,
    CountRecord,
    Interval,
    StateSpan,
    StopKind,
    StopRecord,
)

log = logging.getLogger(__name__)

#: Reason code given automatically to a stop in the ``changeover`` state.
CHANGEOVER_REASON = "CHANGEOVER"
#: Reason code given automatically to the part of a stop inside a scheduled break.
BREAK_REASON = "BREAK"
#: Machine states whose stops are planned (with their automatic reason).
PLANNED_STATES: Mapping[str, str] = {"changeover": CHANGEOVER_REASON}
#: The cause of a stop detected from missing counts.
NO_COUNT = "no_count"
#: ``classified_by`` values meaning a person chose the reason.
PERSONS = frozenset({"operator", "team_lead"})
AUTO = "auto"


def new_stop_id() -> str:
    import uuid6  # local import keeps start-up lean (as hmi.store.base.new_id)

    return str(uuid6.uuid7())


class Change(enum.StrEnum):
    """What a :class:`StopTransition` reports."""

    #: A stop began (``stop_kind`` planned or unplanned; ``reason_code`` the automatic one).
    STARTED = "started"
    #: An unplanned stop lasted the micro-stop threshold: ask for a reason (``at`` = that moment).
    REAL = "real"
    #: The PLC's fault code for the open stop became known (or changed before it was real).
    FAULT = "fault"
    #: The stop ended (``stop_kind`` micro when it never became real).
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class StopTransition:
    change: Change
    stop_id: str
    at: dt.datetime
    start: dt.datetime
    stop_kind: StopKind
    cause: str
    fault_code: int | None = None
    reason_code: str | None = None


@dataclass(slots=True)
class _Open:
    stop_id: str
    start: dt.datetime
    kind: StopKind  # PLANNED or UNPLANNED (micro is decided at the end)
    cause: str
    fault_code: int | None
    reason_code: str | None
    real: bool
    brk: Interval | None  # the break this part is planned by
    next_cause: str  # the cause of the part after a break (the machine's state now)


class StopDetector:
    """Turns machine facts into stop transitions (see the module docstring for the rules).

    Every input method returns the transitions it caused, oldest first.
    """

    def __init__(self, micro_stop_s: float, detect: Literal["state", "count"] = "state",
                 no_count_s: float | None = None, *, breaks: Iterable[Interval] = (),
                 new_id: Callable[[], str] = new_stop_id) -> None:
        if detect not in ("state", "count"):
            raise ValueError(f"detect must be 'state' or 'count', not {detect!r}")
        self.detect = detect
        self.micro_stop_s = 0.0
        self.no_count_s: float | None = None
        self.set_thresholds(micro_stop_s, no_count_s)
        self._new_id = new_id
        self._breaks: list[Interval] = []
        self._break_starts: list[dt.datetime] = []
        self.set_breaks(breaks)
        self._open: _Open | None = None
        self._now: dt.datetime | None = None
        self._state: str | None = None
        self._fault: int | None = None
        self._last_count: dt.datetime | None = None

    # -- configuration -----------------------------------------------------------
    def set_thresholds(self, micro_stop_s: float, no_count_s: float | None = None) -> None:
        if not micro_stop_s >= 0:
            raise ValueError(f"micro_stop_s must be >= 0, not {micro_stop_s!r}")
        if no_count_s is not None and not no_count_s > 0:
            raise ValueError(f"no_count_s must be > 0, not {no_count_s!r}")
        self.micro_stop_s = float(micro_stop_s)
        self.no_count_s = None if no_count_s is None else float(no_count_s)

    def set_breaks(self, breaks: Iterable[Interval]) -> None:
        """Scheduled breaks (UTC intervals); overlapping or touching ones are merged."""
        merged: list[Interval] = []
        for b in sorted((b for b in breaks if b.end > b.start), key=lambda b: b.start):
            if merged and b.start <= merged[-1].end:
                if b.end > merged[-1].end:
                    merged[-1] = Interval(merged[-1].start, b.end)
            else:
                merged.append(b)
        self._breaks = merged
        self._break_starts = [b.start for b in merged]

    @property
    def breaks(self) -> list[Interval]:
        return list(self._breaks)

    # -- state ------------------------------------------------------------------
    @property
    def open_stop_id(self) -> str | None:
        return self._open.stop_id if self._open else None

    @property
    def open_is_real(self) -> bool:
        return bool(self._open and self._open.real)

    def open_record(self) -> StopRecord | None:
        """The open stop as the detector sees it (micro until it is real)."""
        o = self._open
        if o is None:
            return None
        kind = StopKind.MICRO if o.kind is StopKind.UNPLANNED and not o.real else o.kind
        return StopRecord(o.stop_id, o.start, None, kind, reason_code=o.reason_code,
                          fault_code=o.fault_code, classified_by=AUTO if o.reason_code else None,
                          cause=o.cause)

    def restore(self, stop: StopRecord) -> None:
        """Continue ``stop`` (open, from the store) after a restart: never a second stop."""
        if stop.end is not None:
            raise ValueError("only an open stop can be continued")
        kind = StopKind.UNPLANNED if stop.kind is StopKind.MICRO else stop.kind
        brk = self._break_at(stop.start) if stop.reason_code == BREAK_REASON else None
        cause = stop.cause or "stopped"
        self._open = _Open(stop.stop_id, stop.start, kind, cause, stop.fault_code,
                           stop.reason_code if stop.classified_by == AUTO else None,
                           real=kind is StopKind.PLANNED, brk=brk, next_cause=cause)
        if self._now is None or stop.start > self._now:
            self._now = stop.start

    def seed_last_count(self, ts: dt.datetime | None) -> None:
        """The time of the last part counted before a restart (count detection)."""
        if ts is not None and (self._last_count is None or ts > self._last_count):
            self._last_count = ts

    def rename_open(self, stop_id: str, start: dt.datetime, *, real: bool | None = None) -> None:
        """The open stop goes on as ``stop_id`` from ``start`` (a person split it there)."""
        if self._open is None:
            raise ValueError("no stop is open")
        self._open.stop_id = stop_id
        self._open.start = start
        if real is not None:
            self._open.real = real

    # -- inputs -----------------------------------------------------------------
    def on_state(self, ts: dt.datetime, state: str, fault_code: int | None = None
                 ) -> list[StopTransition]:
        out = self._advance(ts)
        self._state = state
        # A fault code counts only with the faulted state (the tag may have come first).
        code = (fault_code or self._fault) if state == "faulted" else None
        if code:
            self._fault = code
        if self.detect != "state":
            return out
        o = self._open
        if state == "running":
            if o is not None:
                out.append(self._finish(ts))
            return out
        if state not in STOPPED_STATES:
            log.info("machine state %r at %s is neither running nor a stop state: ignored",
                     state, ts)
            return out
        if o is None:
            out.append(self._begin(ts, state, code))
            return out
        planned_now = state in PLANNED_STATES
        if planned_now != (o.next_cause in PLANNED_STATES):
            if o.brk is not None:
                o.next_cause = state  # inside a break: the part after it follows the machine
            else:
                out.append(self._finish(ts))
                out.append(self._begin(ts, state, code))
                return out
        if code:
            out.extend(self._set_fault(ts, code))
        return out

    def on_fault(self, ts: dt.datetime, code: int | None) -> list[StopTransition]:
        """The PLC's fault code tag (0/None: no fault)."""
        out = self._advance(ts)
        self._fault = code or None
        if code and self._open is not None and self._state == "faulted":
            out.extend(self._set_fault(ts, code))
        return out

    def on_count(self, ts: dt.datetime, good: int = 0, scrap: int = 0) -> list[StopTransition]:
        out = self._advance(ts)
        if good + scrap <= 0:
            return out
        if self.detect == "count" and self._open is not None:
            out.append(self._finish(ts))
        if self._last_count is None or ts > self._last_count:
            self._last_count = ts
        return out

    def tick(self, now: dt.datetime) -> list[StopTransition]:
        return self._advance(now)

    # -- internals --------------------------------------------------------------
    def _advance(self, now: dt.datetime) -> list[StopTransition]:
        if self._now is None or now > self._now:
            self._now = now
        now = self._now
        out: list[StopTransition] = []
        if (self.detect == "count" and self._open is None and self._last_count is not None
                and self.no_count_s is not None
                and (now - self._last_count).total_seconds() >= self.no_count_s):
            out.append(self._begin(self._last_count, NO_COUNT, None))
        micro = dt.timedelta(seconds=self.micro_stop_s)
        while (o := self._open) is not None:
            t_real = o.start + micro if o.kind is StopKind.UNPLANNED and not o.real else None
            t_brk = o.brk.end if o.brk is not None else self._next_break_start(o.start)
            if t_real is not None and t_real <= now and (t_brk is None or t_real <= t_brk):
                o.real = True
                out.append(self._transition(Change.REAL, o, t_real))
            elif t_brk is not None and t_brk <= now:
                cause, code = o.next_cause, o.fault_code
                out.append(self._finish(t_brk))
                out.append(self._begin(t_brk, cause, code))
            else:
                break
        return out

    def _begin(self, ts: dt.datetime, cause: str, fault_code: int | None) -> StopTransition:
        brk = self._break_at(ts)
        if brk is not None:
            kind, reason = StopKind.PLANNED, BREAK_REASON
        elif cause in PLANNED_STATES:
            kind, reason = StopKind.PLANNED, PLANNED_STATES[cause]
        else:
            kind, reason = StopKind.UNPLANNED, None
        o = _Open(self._new_id(), ts, kind, cause, fault_code, reason,
                  real=kind is StopKind.PLANNED, brk=brk, next_cause=cause)
        self._open = o
        return self._transition(Change.STARTED, o, ts)

    def _finish(self, ts: dt.datetime) -> StopTransition:
        o = self._open
        assert o is not None
        end = max(ts, o.start)
        kind = o.kind
        if kind is StopKind.UNPLANNED and not o.real and (
                (end - o.start).total_seconds() < self.micro_stop_s):
            kind = StopKind.MICRO
        self._open = None
        return StopTransition(Change.ENDED, o.stop_id, end, o.start, kind, o.cause,
                              o.fault_code, o.reason_code)

    def _set_fault(self, ts: dt.datetime, code: int) -> list[StopTransition]:
        o = self._open
        assert o is not None
        if o.fault_code == code:
            return []
        if o.real and o.fault_code is not None:
            log.info("fault code %s at %s ignored: stop %s already has fault %s",
                     code, ts, o.stop_id, o.fault_code)
            return []
        o.fault_code = code
        return [self._transition(Change.FAULT, o, ts)]

    @staticmethod
    def _transition(change: Change, o: _Open, at: dt.datetime) -> StopTransition:
        return StopTransition(change, o.stop_id, at, o.start, o.kind, o.cause, o.fault_code,
                              o.reason_code)

    def _break_at(self, t: dt.datetime) -> Interval | None:
        i = bisect.bisect_right(self._break_starts, t) - 1
        if i >= 0 and self._breaks[i].start <= t < self._breaks[i].end:
            return self._breaks[i]
        return None

    def _next_break_start(self, after: dt.datetime) -> dt.datetime | None:
        i = bisect.bisect_right(self._break_starts, after)
        return self._break_starts[i] if i < len(self._break_starts) else None


# --------------------------------------------------------------------------- projection


@dataclass(frozen=True, slots=True)
class StopEvent:
    """A downtime event as plain data (the columns of ``DowntimeEvent`` that matter)."""

    kind: str
    stop_id: str
    occurred_at: dt.datetime
    reason_code: str | None = None
    reason_version: int | None = None
    fault_code: int | None = None
    new_stop_id: str | None = None
    classified_by: str | None = None
    comment: str = ""
    cause: str | None = None
    stop_kind: str | None = None
    actor_badge: str | None = None


@dataclass(slots=True)
class StopDetails:
    """A projected stop with what :class:`StopRecord` does not carry."""

    record: StopRecord
    classified_at: dt.datetime | None = None
    classified_badge: str | None = None
    comment: str = ""
    acknowledged_badge: str | None = None
    repaired_badge: str | None = None
    repair_action: str = ""
    closed_at: dt.datetime | None = None
    closed_badge: str | None = None
    #: The stop this one was split from (None: detected as such).
    split_from: str | None = None


def project_details(events: Iterable[Any],
                    reason_names: Mapping[str, str] | None = None) -> dict[str, StopDetails]:
    """Fold downtime events (in recording order) into the stops as they stand now.

    ``events`` are ``DowntimeEvent`` rows or :class:`StopEvent` values (anything with
    the same attributes). The latest classification wins; a split ends the stop at
    the split time and opens the new one there (it inherits cause, fault code, kind
    and classification until it gets its own); the latest fault code seen wins;
    events of a stop whose start is not among ``events`` are ignored.
    """
    names = reason_names or {}
    out: dict[str, StopDetails] = {}
    for e in events:
        sid = str(e.stop_id)
        kind = e.kind
        if kind == "started":
            out[sid] = StopDetails(StopRecord(
                sid, e.occurred_at, None, StopKind(e.stop_kind or StopKind.UNPLANNED),
                fault_code=e.fault_code, cause=e.cause or ""))
            continue
        d = out.get(sid)
        if d is None:
            log.debug("downtime event %s for stop %s without its start: ignored", kind, sid)
            continue
        r = d.record
        changes: dict[str, Any] = {}
        if e.fault_code is not None:
            changes["fault_code"] = e.fault_code
        if kind == "ended":
            changes["end"] = e.occurred_at
            if e.stop_kind:
                changes["kind"] = StopKind(e.stop_kind)
        elif kind == "classified":
            changes.update(reason_code=e.reason_code, classified_by=e.classified_by,
                           reason_name=names.get(e.reason_code or "", e.reason_code))
            if e.stop_kind:
                changes["kind"] = StopKind(e.stop_kind)
            d.classified_at = e.occurred_at
            d.classified_badge = e.actor_badge
            d.comment = e.comment or ""
        elif kind == "split":
            new = str(e.new_stop_id)
            at = e.occurred_at
            second = replace(r, stop_id=new, start=at, acknowledged_at=None, repaired_at=None,
                             **changes)
            if e.stop_kind:
                second = replace(second, kind=StopKind(e.stop_kind))
            if e.cause:
                second = replace(second, cause=e.cause)
            out[new] = StopDetails(second, d.classified_at, d.classified_badge, d.comment,
                                   split_from=sid)
            changes["end"] = at
        elif kind == "acknowledged":
            changes["acknowledged_at"] = e.occurred_at
            d.acknowledged_badge = e.actor_badge
        elif kind == "repaired":
            changes["repaired_at"] = e.occurred_at
            d.repaired_badge = e.actor_badge
            d.repair_action = e.comment or ""
        elif kind == "closed":
            d.closed_at = e.occurred_at
            d.closed_badge = e.actor_badge
        else:
            log.warning("unknown downtime event kind %r for stop %s: ignored", kind, sid)
        if changes:
            d.record = replace(r, **changes)
    return out


def project(events: Iterable[Any], reason_names: Mapping[str, str] | None = None
            ) -> list[StopRecord]:
    """The current :class:`StopRecord` of every stop in ``events``, ordered by start."""
    recs = [d.record for d in project_details(events, reason_names).values()]
    recs.sort(key=lambda r: (r.start, r.stop_id))
    return recs


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Timeline:
    """What happened at a station in a window (timestamps UTC, oldest first)."""

    window: Interval
    states: list[StateSpan] = field(default_factory=list)
    counts: list[CountRecord] = field(default_factory=list)
    stops: list[StopRecord] = field(default_factory=list)
    #: The downtime events the stops were projected from (recording order).
    stop_events: list[StopEvent] = field(default_factory=list)


#: How far before a window a stop may have started and still be found by load_timeline.
STOP_LOOKBACK = dt.timedelta(days=7)


def _utc_parser(dialect: str) -> tuple[Callable[[Any], Any], Callable[[Any], dt.datetime]]:
    """(column wrapper, value parser) reading timestamps fast on SQLite.

    SQLite stores them as ``YYYY-MM-DD HH:MM:SS.ffffff`` text in UTC; reading that
    text and parsing it with ``fromisoformat`` is several times faster than the
    ORM's type processing, which matters for 100k counts. Elsewhere the driver's
    own timezone-aware values are used.
    """
    from sqlalchemy import String, type_coerce

    if dialect == "sqlite":
        fromiso = dt.datetime.fromisoformat

        def parse(text: Any) -> dt.datetime:
            return fromiso(text + "+00:00")  # 5x faster than .replace(tzinfo=UTC)

        return (lambda col: type_coerce(col, String)), parse

    def aware(value: Any) -> dt.datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)

    return (lambda col: col), aware


def load_timeline(session: Any, station_id: str, window: Interval, *,
                  now: dt.datetime | None = None,
                  reason_names: Mapping[str, str] | None = None) -> Timeline:
    """States, counts and stops of ``station_id`` overlapping ``window``, from the store.

    One query per table. The last state span and open stops are cut at ``now``
    when given (else at the window's end). Stops that started up to
    :data:`STOP_LOOKBACK` before the window are found; events of the stops are
    loaded whatever their time (a classification made the next day counts).
    """
    with _no_gc():
        return _load_timeline(session, station_id, window, now, reason_names)


def _load_timeline(session: Any, station_id: str, window: Interval, now: dt.datetime | None,
                   reason_names: Mapping[str, str] | None) -> Timeline:
    from sqlalchemy import func, literal, or_, select

    from hmi.store.models import (
        DowntimeReason,
        MachineStateEvent,
        ProductionCountEvent,
    )

    dialect = session.get_bind().dialect.name
    wrap, parse = _utc_parser(dialect)
    start, end = window.start, window.end
    cut = min(end, now) if now is not None else end

    # States: the one in force at the window's start, then every change in it.
    M = MachineStateEvent
    before = (select(func.max(M.source_ts))
              .where(M.station_id == station_id, M.source_ts <= start).scalar_subquery())
    conn = session.connection()
    rows = conn.execute(
        select(wrap(M.source_ts), M.state_name, M.fault_code)
        .where(M.station_id == station_id, M.source_ts < end,
               M.source_ts >= func.coalesce(before, literal(start, M.source_ts.type)))
        .order_by(M.source_ts, M.seq)).all()
    states: list[StateSpan] = []
    changes = [(max(parse(ts), start), name, fault) for ts, name, fault in rows]
    for i, (ts, name, fault) in enumerate(changes):
        until = changes[i + 1][0] if i + 1 < len(changes) else cut
        if until > ts:
            states.append(StateSpan(ts, until, name, fault))

    # Counts: increments only (Core execution: the ORM layer would add ~50 % for 100k rows).
    P = ProductionCountEvent
    counts = _count_records(conn.execute(
        select(wrap(P.source_ts), P.good_increment, P.scrap_increment)
        .where(P.station_id == station_id, P.source_ts >= start, P.source_ts < end,
               or_(P.good_increment > 0, P.scrap_increment > 0))
        .order_by(P.source_ts, P.seq)).all(), None if dialect == "sqlite" else parse)

    stop_events = load_stop_events(session, station_id, window)
    if reason_names is None:
        R = DowntimeReason
        reason_names = {}
        for code, name in session.execute(
                select(R.code, R.name).where(R.status == "released").order_by(R.version)):
            reason_names[code] = name
    stops = [s for s in project(stop_events, reason_names)
             if s.start < end and (s.end is None or s.end > start)]
    return Timeline(window, states, counts, stops, stop_events)


def _count_records(rows: Sequence[Any], parse: Callable[[Any], dt.datetime] | None
                   ) -> list[CountRecord]:
    """CountRecords from (ts, good, scrap) rows (``parse`` None: SQLite's UTC text)."""
    make = tuple.__new__
    fromiso = dt.datetime.fromisoformat
    if parse is None:
        return [make(CountRecord, (fromiso(ts + "+00:00"), good, scrap))
                for ts, good, scrap in rows]
    return [make(CountRecord, (parse(ts), good, scrap)) for ts, good, scrap in rows]


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Loading 100k counts makes some 400k objects (rows, strings, datetimes, records),
    none of which can be part of a reference cycle; each 700 of them would trigger a
    collection that walks the growing heap, which alone doubled the load time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_stop_events(session: Any, station_id: str, window: Interval) -> list[StopEvent]:
    """Every downtime event of the stops opened (started, or split off) from
    :data:`STOP_LOOKBACK` before ``window`` to its end, in recording order."""
    from sqlalchemy import and_, case, or_, select

    from hmi.store.models import DowntimeEvent as D

    wrap, parse = _utc_parser(session.get_bind().dialect.name)
    opened = (select(case((D.kind == "split", D.new_stop_id), else_=D.stop_id).label("sid"))
              .where(D.station_id == station_id, D.kind.in_(("started", "split")),
                     D.occurred_at >= window.start - STOP_LOOKBACK,
                     D.occurred_at < window.end))
    ids = opened.subquery()
    return [
        StopEvent(kind, str(sid), parse(at), reason, version, fault,
                  str(new) if new is not None else None, by, comment or "", cause, skind, badge)
        for kind, sid, at, reason, version, fault, new, by, comment, cause, skind, badge
        in session.connection().execute(
            select(D.kind, D.stop_id, wrap(D.occurred_at), D.reason_code, D.reason_version,
                   D.fault_code, D.new_stop_id, D.classified_by, D.comment, D.cause,
                   D.stop_kind, D.actor_badge)
            .where(D.station_id == station_id,
                   or_(D.stop_id.in_(select(ids.c.sid)),
                       and_(D.kind == "split", D.new_stop_id.in_(select(ids.c.sid)))))
            .order_by(D.seq))
    ]


def downtime_event_fields(ev: StopEvent) -> dict[str, Any]:
    """Keyword arguments for a ``DowntimeEvent`` carrying ``ev``."""
    return {
        "stop_id": uuid.UUID(ev.stop_id), "kind": ev.kind, "occurred_at": ev.occurred_at,
        "reason_code": ev.reason_code, "reason_version": ev.reason_version,
        "fault_code": ev.fault_code,
        "new_stop_id": uuid.UUID(ev.new_stop_id) if ev.new_stop_id else None,
        "classified_by": ev.classified_by, "comment": ev.comment, "cause": ev.cause,
        "stop_kind": ev.stop_kind, "actor_badge": ev.actor_badge,
    }


__all__ = [
    "AUTO", "BREAK_REASON", "CHANGEOVER_REASON", "Change", "NO_COUNT", "PERSONS",
    "PLANNED_STATES", "STOP_LOOKBACK", "StopDetails", "StopDetector", "StopEvent",
    "StopTransition", "Timeline", "downtime_event_fields", "load_stop_events", "load_timeline", "new_stop_id",
    "project", "project_details",
]

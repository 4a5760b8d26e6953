"""Downtime capture at the station: stops from machine facts, reasons, splits, maintenance.

:class:`DowntimeService` feeds the machine facts the app receives from
:class:`~hmi.services.production.ProductionMonitor` (and the PLC's fault-code
tag) into a :class:`~hmi.services.stops.StopDetector`, writes what it reports
as ``DowntimeEvent`` rows through the :class:`~hmi.services.worker.DbWorker`
(in order, each once) and keeps the stops of the last day in memory as
:class:`~hmi.services.timeline.StopRecord` values, projected from exactly the
events it wrote (:func:`~hmi.services.stops.project`), so what the screen shows
is what a reload from the store gives.

People act through methods that check the permission, validate against the
stops in memory, raise a :class:`DowntimeError` (or ``PermissionDenied``) with
a message for the screen before anything is written, then write the events and
the audit entry in one transaction on the worker. The change shows (in
``sig_stops_changed``) once it is committed; a failed write is taken back and
reported on ``sig_error``.

Rules (docs/downtime.md):

* An unplanned stop that lasts the micro-stop threshold becomes *real*: when the
  PLC's fault code maps to a reason in the tree, the stop is classified
  automatically (``classified_by="auto"``) at that moment; either way
  ``sig_stop_needs_reason`` asks the operator (the automatic reason pre-selected,
  :meth:`DowntimeService.suggested_reason`). A stop without any reason stays in
  :meth:`DowntimeService.unclassified` until someone gives one; an automatic
  reason does not nag.
* Anyone with ``downtime.classify`` may classify a stop nobody has classified
  yet (automatic reasons included). A reason given by a person is changed only
  with ``downtime.reclassify`` (team lead); a refused attempt is audited too.
* Only leaves of the reason tree can be chosen, and a group only when the tree
  maps a PLC fault code to it (then the group *is* a precise answer the plant
  defined, e.g. "Electrical"). A reason with ``requires_comment`` needs a comment.
* A reason's category decides planned vs unplanned: classifying a stop with a
  planned reason (e.g. planned maintenance) makes it planned, and the other way.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hmi.config import StationConfig
from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import (
    DOWNTIME_CLASSIFY,
    DOWNTIME_RECLASSIFY,
    MAINTENANCE_LOG,
    Actor,
    PermissionDenied,
    requires,
)
from hmi.services.stops import (
    AUTO,
    PERSONS,
    Change,
    StopDetails,
    StopDetector,
    StopEvent,
    StopTransition,
    downtime_event_fields,
    load_stop_events,
    new_stop_id,
    project_details,
)
from hmi.services.timeline import Interval, StopKind, StopRecord

log = logging.getLogger(__name__)

#: Micro-stop threshold when neither [downtime] micro_stop_s nor an ideal cycle time is known.
FALLBACK_MICRO_STOP_S = 60.0
#: How far back the service keeps stops (a restart mid-shift restores them).
HORIZON = dt.timedelta(hours=24)
#: How far back recent_reasons() looks.
RECENT_DAYS = 7
#: Facts kept while the stored stops are being restored (a store that never opens
#: must not make the station run out of memory).
MAX_QUEUED = 100_000


# --------------------------------------------------------------------------- errors


class DowntimeError(OperatorError):
    """An action on a stop was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""


class UnknownStop(DowntimeError):
    pass


class UnknownReason(DowntimeError):
    pass


class ReasonNotSelectable(DowntimeError):
    pass


class CommentRequired(DowntimeError):
    pass


class InvalidSplit(DowntimeError):
    pass


class MaintenanceStepError(DowntimeError):
    """Acknowledge, repair and close happen once each, in that order."""


# --------------------------------------------------------------------------- reason tree


@dataclass(frozen=True)
class ReasonNode:
    """One node of the current (released) reason tree, as plain data for views."""

    code: str
    name: str
    parent_code: str | None
    category: str
    color: str | None = None
    requires_comment: bool = False
    version: int = 1
    fault_codes: tuple[int, ...] = ()
    children: tuple[str, ...] = ()

    @property
    def leaf(self) -> bool:
        return not self.children

    @property
    def selectable(self) -> bool:
        """Leaves always; a group only when the tree maps a PLC fault code to it."""
        return self.leaf or bool(self.fault_codes)

    @property
    def planned(self) -> bool:
        return self.category == "planned"


@dataclass
class _Loaded:
    reasons: list[ReasonNode]
    calendar: Any
    calendar_error: str
    events: list[StopEvent]
    usage: dict[str, tuple[int, dt.datetime]]
    last_count: dt.datetime | None


def _latest_released(rows: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows:
        cur = out.get(row.code)
        if cur is None or row.version > cur.version:
            out[row.code] = row
    return out


# --------------------------------------------------------------------------- service


class DowntimeService(QObject):
    #: list[StopRecord]: the stops of the current shift (or local day), newest first.
    sig_stops_changed = Signal(object)
    #: StopRecord: a stop became real and no person has given a reason: ask for one.
    sig_stop_needs_reason = Signal(object)
    #: str: something the operator must know failed (saving, configuration).
    sig_error = Signal(str)
    #: The stored stops are restored; live facts are being processed.
    sig_ready = Signal()

    def __init__(self, cfg: StationConfig, worker: Any, session_factory: Any, *,
                 audit: AuditWriter, clock: Callable[[], dt.datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._worker = worker
        self._sf = session_factory
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._station = cfg.station.id
        self._tz = zoneinfo.ZoneInfo(cfg.station.timezone)
        self._ideal_default = cfg.default_ideal_cycle_s
        self._ideal = self._ideal_default
        micro, no_count = self._thresholds()
        self._detector = StopDetector(micro, cfg.downtime.detect, no_count)
        self._events: list[StopEvent] = []
        self._details: dict[str, StopDetails] = {}
        self._records: list[StopRecord] = []  # oldest first, open stop overlaid
        self._reasons: dict[str, ReasonNode] = {}
        self._fault_map: dict[int, ReasonNode] = {}
        self._shortages: list[tuple[dt.datetime, str, dt.datetime | None]] = []
        self._usage: dict[str, tuple[int, dt.datetime]] = {}
        self._calendar: Any = None
        self._breaks_span: Interval | None = None
        self._window: Interval | None = None
        self._real: set[str] = set()
        self._missing_reasons: set[str] = set()
        self._ready = False
        self._starting = False
        self._queued: list[tuple[str, dict[str, Any]]] = []
        self._pending = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    # ------------------------------------------------------------------ set-up
    def start(self, tick_ms: int = 1000) -> None:
        """Restore the stored stops (on the worker), then process facts and tick every second.

        Facts that arrive before the restore is done wait, in order. An open stop
        in the store is continued: a restart mid-stop never makes a second stop.
        ``tick_ms=0`` does not start the timer (tests call :meth:`tick`).
        """
        if self._ready or self._starting:
            return
        self._starting = True
        self._tick_ms = tick_ms
        self._pending += 1
        self._worker.submit(self._load, self._clock(), on_done=self._restored,
                            on_error=self._load_failed)

    def shutdown(self) -> None:
        self._timer.stop()

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def busy(self) -> bool:
        """True while a write or the restore is still running on the worker."""
        return self._pending > 0

    def _thresholds(self) -> tuple[float, float | None]:
        d = self._cfg.downtime
        ideal = self._ideal
        micro = d.micro_stop_s or (d.micro_stop_cycles * ideal if ideal else 0.0)
        if not micro:
            log.warning("no ideal cycle time and no [downtime] micro_stop_s: micro-stops are "
                        "stops under %.0f s", FALLBACK_MICRO_STOP_S)
            micro = FALLBACK_MICRO_STOP_S
        no_count = d.no_count_cycles * ideal if ideal else None
        return micro, no_count

    @property
    def micro_stop_s(self) -> float:
        return self._detector.micro_stop_s

    @property
    def calendar(self) -> Any:
        """The shift calendar in use (a :class:`hmi.services.shiftcal.CalendarSpec`), or None."""
        return self._calendar

    @property
    def ideal_cycle_s(self) -> float | None:
        return self._ideal

    def set_ideal_cycle(self, seconds: float | None) -> None:
        """The ideal cycle time of what is made now (an order's product); None: the station's."""
        if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"an ideal cycle time must be a positive number of seconds, "
                             f"not {seconds!r}")
        self._ideal = seconds or self._ideal_default
        self._detector.set_thresholds(*self._thresholds())

    # ------------------------------------------------------------------ loading (worker)
    def _load(self, now: dt.datetime) -> _Loaded:
        from sqlalchemy import func, select

        from hmi.store.models import (
            DowntimeEvent,
            DowntimeReason,
            ProductionCountEvent,
            ShiftCalendar,
        )

        with self._sf() as s:
            latest = _latest_released(s.scalars(
                select(DowntimeReason).where(DowntimeReason.status == "released")))
            children: dict[str, list[str]] = {}
            for r in latest.values():
                if r.parent_code:
                    children.setdefault(r.parent_code, []).append(r.code)
            reasons = [
                ReasonNode(r.code, r.name, r.parent_code, r.category, r.color,
                           bool(r.requires_comment), r.version,
                           tuple(sorted(f.fault_code for f in r.fault_codes)),
                           tuple(sorted(children.get(r.code, ()))))
                for r in latest.values()
            ]
            calendar, calendar_error = self._choose_calendar(
                _latest_released(s.scalars(
                    select(ShiftCalendar).where(ShiftCalendar.status == "released"))))
            events = load_stop_events(s, self._station, Interval(now - HORIZON, now + HORIZON))
            D = DowntimeEvent
            usage: dict[str, tuple[int, dt.datetime]] = {}
            for code, n, last in s.execute(
                    select(D.reason_code, func.count(), func.max(D.occurred_at))
                    .where(D.station_id == self._station, D.kind == "classified",
                           D.classified_by.in_(sorted(PERSONS)),
                           D.occurred_at >= now - dt.timedelta(days=RECENT_DAYS))
                    .group_by(D.reason_code)):
                if code:
                    usage[code] = (int(n), last if last.tzinfo else last.replace(tzinfo=dt.UTC))
            last_count = None
            if self._cfg.downtime.detect == "count":
                P = ProductionCountEvent
                last_count = s.scalar(select(func.max(P.source_ts)).where(
                    P.station_id == self._station))
                if last_count is not None and last_count.tzinfo is None:
                    last_count = last_count.replace(tzinfo=dt.UTC)
        return _Loaded(reasons, calendar, calendar_error, events, usage, last_count)

    def _choose_calendar(self, calendars: dict[str, Any]) -> tuple[Any, str]:
        want = self._cfg.production.shift_calendar
        if want:
            cal = calendars.get(want)
            if cal is None:
                return None, tr("downtime", "The shift calendar %1 named in [production] "
                                "shift_calendar is not in the master data: breaks are not "
                                "known, so no stop is counted as a break. Import the calendar "
                                "or correct the station file.", want)
        else:
            mine = [c for c in calendars.values() if c.equipment_code == self._cfg.station.line]
            cal = mine[0] if mine else (next(iter(calendars.values()))
                                        if len(calendars) == 1 else None)
            if cal is None:
                return None, ""
        try:
            from hmi.services import shiftcal

            return shiftcal.CalendarSpec.from_model(cal), ""
        except (ImportError, ValueError) as exc:
            return None, tr("downtime", "The shift calendar %1 cannot be used (%2): breaks are "
                            "not known. Correct the master data.", cal.code, exc)

    def _load_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        self._starting = False
        log.error("downtime: stored stops could not be loaded", exc_info=exc)
        self.sig_error.emit(tr("downtime", "Stops could not be loaded from the station database "
                               "(%1): downtime is not recorded. Tell maintenance.", exc))

    def _restored(self, loaded: _Loaded) -> None:
        self._pending -= 1
        self._reasons = {n.code: n for n in loaded.reasons}
        self._fault_map = {c: n for n in loaded.reasons for c in n.fault_codes}
        self._usage = dict(loaded.usage)
        self._calendar = loaded.calendar
        if loaded.calendar_error:
            self.sig_error.emit(loaded.calendar_error)
        now = self._clock()
        self._refresh_breaks(now)
        self._events = list(loaded.events)
        self._reproject()
        open_ = [d.record for d in self._details.values() if d.record.end is None]
        open_.sort(key=lambda r: r.start)
        if len(open_) > 1:
            log.warning("downtime: %d stops open in the store; continuing the newest (%s)",
                        len(open_), open_[-1].stop_id)
        if open_:
            self._detector.restore(open_[-1])
            log.info("downtime: continuing stop %s open since %s", open_[-1].stop_id,
                     open_[-1].start)
        self._detector.seed_last_count(loaded.last_count)
        if self._cfg.downtime.detect == "count" and self._detector.no_count_s is None:
            self.sig_error.emit(tr(
                "downtime", "Stops cannot be detected: [downtime] detect = \"count\" needs an "
                "ideal cycle time. Set [production] ideal_cycle_time_s in the station file."))
        self._ready = True
        self._starting = False
        queued, self._queued = self._queued, []
        for kind, fields in queued:
            self.on_fact(kind, fields)
        self.tick()
        self._emit_changed()
        if self._tick_ms:
            self._timer.start(self._tick_ms)
        self.sig_ready.emit()

    # ------------------------------------------------------------------ live inputs
    def on_fact(self, kind: str, fields: dict[str, Any]) -> None:
        """A fact from the ProductionMonitor sink (``machine_state``, ``production_count``),
        or ``("fault_code", {"code": int, "source_ts": datetime})`` from the fault-code tag."""
        if not self._ready:
            if len(self._queued) < MAX_QUEUED:
                self._queued.append((kind, dict(fields)))
            elif len(self._queued) == MAX_QUEUED:
                self._queued.append(("overflow", {}))
                log.error("downtime: the store is not ready; more than %d machine facts "
                          "waited, later ones are not used for stops", MAX_QUEUED)
            return
        ts = fields.get("source_ts") or self._clock()
        det = self._detector
        if kind == "machine_state":
            trs = det.on_state(ts, str(fields.get("state") or "unknown"), fields.get("fault_code"))
        elif kind == "production_count":
            inc = int(fields.get("increment") or 0)
            if inc <= 0:
                return
            good = inc if fields.get("kind") == "good" else 0
            trs = det.on_count(ts, good, inc - good)
        elif kind == "fault_code":
            code = fields.get("code")
            trs = det.on_fault(ts, int(code) if code else None)
        else:
            return
        self._apply(trs)

    def on_fault_code(self, source_ts: dt.datetime, code: int | None) -> None:
        """Every good value of the PLC's fault-code tag (it may arrive after the state)."""
        self.on_fact("fault_code", {"code": code, "source_ts": source_ts})

    def tick(self) -> None:
        """Called every second: micro-stop threshold, no-count detection, breaks, shift change."""
        if not self._ready:
            return
        now = self._clock()
        self._refresh_breaks(now)
        self._apply(self._detector.tick(now))
        if self._window is not None and not (self._window.start <= now < self._window.end):
            self._emit_changed()

    def _refresh_breaks(self, now: dt.datetime) -> None:
        span = self._breaks_span
        if self._calendar is None or (span is not None and span.start <= now
                                      and now + dt.timedelta(hours=12) <= span.end):
            return
        from hmi.services import shiftcal

        span = Interval(now - dt.timedelta(days=1), now + dt.timedelta(days=2))
        self._detector.set_breaks(shiftcal.breaks_between(self._calendar, span.start, span.end))
        self._breaks_span = span

    # ------------------------------------------------------------------ detector -> events
    def _apply(self, transitions: Sequence[StopTransition]) -> None:
        if not transitions:
            return
        rows: list[StopEvent] = []
        ask: list[str] = []
        auto_done: set[str] = set()
        for t in transitions:
            if t.change is Change.STARTED:
                rows.append(StopEvent("started", t.stop_id, t.at, fault_code=t.fault_code,
                                      cause=t.cause, stop_kind=t.stop_kind.value))
                if t.reason_code:
                    node = self._reasons.get(t.reason_code)
                    if node is not None:
                        rows.append(StopEvent("classified", t.stop_id, t.at, node.code,
                                              node.version, classified_by=AUTO,
                                              stop_kind=StopKind.PLANNED.value))
                        auto_done.add(t.stop_id)
                    elif t.reason_code not in self._missing_reasons:
                        self._missing_reasons.add(t.reason_code)
                        log.warning("reason %s is not in the reason tree: planned stops stay "
                                    "without a reason", t.reason_code)
            elif t.change is Change.REAL:
                self._real.add(t.stop_id)
                row = self._auto_reason(t, auto_done)
                if row is not None:
                    rows.append(row)
                ask.append(t.stop_id)
            elif t.change is Change.FAULT:
                if t.stop_id in self._real:
                    row = self._auto_reason(t, auto_done)
                    if row is not None:
                        rows.append(row)
            elif t.change is Change.ENDED:
                micro = t.stop_kind is StopKind.MICRO
                d = self._details.get(t.stop_id)
                if micro and d is not None and d.record.kind is StopKind.PLANNED:
                    micro = False  # a person made it planned while it was short
                rows.append(StopEvent("ended", t.stop_id, t.at, fault_code=t.fault_code,
                                      stop_kind=StopKind.MICRO.value if micro else None))
                self._real.discard(t.stop_id)
        if rows:
            self._events.extend(rows)
            self._write(rows)
        self._reproject()
        self._emit_changed()
        for sid in ask:
            rec = self.record(sid)
            if rec is not None and rec.classified_by not in PERSONS:
                self.sig_stop_needs_reason.emit(rec)

    def _auto_reason(self, t: StopTransition, done: set[str]) -> StopEvent | None:
        if t.fault_code is None or t.stop_id in done:
            return None
        node = self._fault_map.get(t.fault_code)
        d = self._details.get(t.stop_id)
        if node is None or (d is not None and d.record.reason_code is not None):
            return None
        done.add(t.stop_id)
        return StopEvent("classified", t.stop_id, t.at, node.code, node.version,
                         fault_code=t.fault_code, classified_by=AUTO,
                         stop_kind=StopKind.PLANNED.value if node.planned else None)

    # ------------------------------------------------------------------ writing (worker)
    def _write(self, rows: list[StopEvent], audits: Sequence[dict[str, Any]] = (),
               repairs: Sequence[dict[str, Any]] = (), *,
               on_done: Callable[[], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Future:
        self._pending += 1

        def done(_result: object) -> None:
            self._pending -= 1
            if on_done is not None:
                on_done()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.error("downtime events could not be saved", exc_info=exc)
            if on_error is not None:
                on_error(exc)
            else:
                self.sig_error.emit(tr("downtime", "A stop could not be saved (%1). The list on "
                                       "screen is still right; tell maintenance.", exc))

        return self._worker.submit(self._store, list(rows), list(audits), list(repairs),
                                   on_done=done, on_error=failed)

    def _store(self, rows: list[StopEvent], audits: list[dict[str, Any]],
               repairs: list[dict[str, Any]]) -> None:
        from hmi.store.events import append_event
        from hmi.store.models import DowntimeEvent, MaintenanceLogEvent

        with self._sf.begin() as s:
            for r in rows:
                append_event(s, DowntimeEvent(station_id=self._station,
                                              equipment_code=self._station,
                                              **downtime_event_fields(r)))
            for m in repairs:
                append_event(s, MaintenanceLogEvent(station_id=self._station,
                                                    equipment_code=self._station, **m))
            for a in audits:
                self._audit.record(s, **a)

    def _commit_action(self, rows: list[StopEvent], audit: dict[str, Any],
                       repairs: Sequence[dict[str, Any]] = (),
                       undo: Callable[[], None] | None = None) -> Future:
        """Rows count at once for later checks; shown as done once committed, taken back if not."""
        self._events.extend(rows)
        self._reproject()

        def done() -> None:
            self._emit_changed()

        def failed(exc: BaseException) -> None:
            ids = {id(r) for r in rows}
            self._events = [e for e in self._events if id(e) not in ids]
            if undo is not None:
                undo()
            self._reproject()
            self._emit_changed()
            self.sig_error.emit(tr("downtime", "Your change to the stop was not saved (%1). "
                                   "Please try again; if it fails again, tell maintenance.", exc))

        return self._write(rows, [audit], repairs, on_done=done, on_error=failed)

    # ------------------------------------------------------------------ projection
    def _reproject(self) -> None:
        names = {c: n.name for c, n in self._reasons.items()}
        self._details = project_details(self._events, names)
        det = self._detector
        open_id = det.open_stop_id
        live = det.open_record()
        recs = []
        for d in self._details.values():
            r = d.record
            if r.stop_id == open_id and live is not None and r.end is None:
                if r.kind is StopKind.UNPLANNED and live.kind is StopKind.MICRO:
                    r = replace(r, kind=StopKind.MICRO)
                if live.fault_code is not None:
                    r = replace(r, fault_code=live.fault_code)
            recs.append(r)
        recs.sort(key=lambda r: (r.start, r.stop_id))
        self._records = recs
        self._prune()

    def _prune(self) -> None:
        """Forget stops that ended before the horizon (unless still unclassified)."""
        if len(self._events) < 5000:
            return
        cutoff = self._clock() - HORIZON
        keep = {r.stop_id for r in self._records
                if r.end is None or r.end > cutoff or not r.classified}
        for sid in list(keep):
            d = self._details.get(sid)
            while d is not None and d.split_from is not None:
                keep.add(d.split_from)
                d = self._details.get(d.split_from)
        self._events = [e for e in self._events
                        if e.stop_id in keep or (e.new_stop_id is not None and e.new_stop_id in keep)]
        self._details = {k: v for k, v in self._details.items() if k in keep}
        self._records = [r for r in self._records if r.stop_id in keep]

    def _emit_changed(self) -> None:
        self.sig_stops_changed.emit(self.stops())

    # ------------------------------------------------------------------ queries
    def current_window(self, now: dt.datetime | None = None) -> Interval:
        """The running shift (from the calendar), else the plant's local day."""
        now = now or self._clock()
        from hmi.services import shiftcal

        if self._calendar is not None:
            inst = shiftcal.shift_at(self._calendar, now)
            if inst is not None:
                return Interval(inst.start, inst.end)
        return shiftcal.day_interval(now.astimezone(self._tz).date(), self._tz)

    def stops(self, window: Interval | None = None) -> list[StopRecord]:
        """Stops overlapping ``window`` (default: the current shift or day), newest first."""
        if window is None:
            window = self._window = self.current_window()
        out = [r for r in self._records
               if r.start < window.end and (r.end is None or r.end > window.start)]
        out.reverse()
        return out

    def all_stops(self) -> list[StopRecord]:
        """Every stop the service holds (the last day and older unclassified ones), newest first."""
        return list(reversed(self._records))

    def unclassified(self) -> list[StopRecord]:
        """Stops that need a reason (micro-stops never do), newest first."""
        return [r for r in reversed(self._records) if not r.classified]

    def open_stop(self) -> StopRecord | None:
        sid = self._detector.open_stop_id
        return self.record(sid) if sid else None

    def record(self, stop_id: str) -> StopRecord | None:
        for r in reversed(self._records):
            if r.stop_id == stop_id:
                return r
        return None

    def details(self, stop_id: str) -> StopDetails | None:
        """Who classified/acknowledged/repaired/closed a stop and when (maintenance view)."""
        d = self._details.get(str(stop_id))
        rec = self.record(str(stop_id))
        return replace(d, record=rec) if d is not None and rec is not None else d

    def reason_tree(self) -> list[ReasonNode]:
        """The released reason tree, depth first (children by code)."""
        nodes = self._reasons
        out: list[ReasonNode] = []

        def walk(code: str) -> None:
            node = nodes[code]
            out.append(node)
            for child in node.children:
                if child in nodes:
                    walk(child)

        for code in sorted(c for c, n in nodes.items()
                           if not n.parent_code or n.parent_code not in nodes):
            walk(code)
        return out

    def reason(self, code: str) -> ReasonNode | None:
        return self._reasons.get(code)

    def suggested_reason(self, stop: StopRecord) -> tuple[ReasonNode, str] | None:
        """The reason the PLC's fault code maps to, with the text to show beside it; else,
        for a stop that began while a material was empty, the shortage reason."""
        node = self._fault_map.get(stop.fault_code) if stop.fault_code is not None else None
        if node is not None:
            return node, tr("downtime", "Suggested from PLC fault %1", stop.fault_code)
        shortage = self._shortage_at(stop.start)
        code = self._cfg.downtime.shortage_reason
        if shortage is not None and code and code in self._reasons:
            return self._reasons[code], tr("downtime", "Suggested: %1 ran out at %2",
                                           shortage[1], self._local(shortage[0]))
        return None

    def note_shortage(self, material: str, t: dt.datetime, *, ended: bool = False) -> None:
        """A BOM material ran empty at ``t`` (or was loaded again: ``ended``); a stop that
        begins meanwhile is suggested the ``[downtime] shortage_reason``."""
        if ended:
            self._shortages = [(s, m, e if e is not None or m != material else t)
                               for s, m, e in self._shortages]
        else:
            self._shortages.append((t, material, None))
            self._shortages = self._shortages[-50:]

    def _shortage_at(self, t: dt.datetime) -> tuple[dt.datetime, str] | None:
        for start, material, end in reversed(self._shortages):
            if start - dt.timedelta(seconds=5) <= t and (end is None or t <= end):
                return start, material
        return None

    def recent_reasons(self, limit: int = 6) -> list[ReasonNode]:
        """Reasons people chose most often here in the last 7 days, then the most recent."""
        cutoff = self._clock() - dt.timedelta(days=RECENT_DAYS)
        used = [(n, last, code) for code, (n, last) in self._usage.items()
                if last >= cutoff and code in self._reasons and self._reasons[code].selectable]
        used.sort(key=lambda u: (-u[0], -u[1].timestamp(), u[2]))
        return [self._reasons[code] for _n, _last, code in used[:limit]]

    # ------------------------------------------------------------------ actions
    def _stop(self, stop_id: str) -> StopRecord:
        rec = self.record(str(stop_id))
        if rec is None:
            raise UnknownStop(tr("downtime", "This stop is no longer known at the station "
                                 "(it may be older than a day). Refresh the list."))
        return rec

    def _local(self, t: dt.datetime) -> str:
        return f"{t.astimezone(self._tz):%H:%M:%S}"

    def _check_reason(self, code: str, comment: str) -> ReasonNode:
        node = self._reasons.get(code)
        if node is None:
            raise UnknownReason(tr("downtime", "The reason %1 is not in the reason tree. "
                                   "Choose a reason from the list.", code))
        if not node.selectable:
            kids = ", ".join(self._reasons[c].name for c in node.children if c in self._reasons)
            raise ReasonNotSelectable(tr("downtime", "\"%1\" is a group. Choose one of its "
                                         "reasons: %2.", node.name, kids))
        if node.requires_comment and not comment:
            raise CommentRequired(tr("downtime", "The reason \"%1\" needs a comment. Write what "
                                     "happened, then save again.", node.name))
        return node

    def _check_reclassify(self, actor: Actor, rec: StopRecord, new_code: str) -> None:
        """A reason a person gave is changed only with downtime.reclassify (refusals audited)."""
        if rec.classified_by not in PERSONS or rec.reason_code == new_code:
            return
        if actor.can(DOWNTIME_RECLASSIFY):
            return
        self._write([], [dict(
            actor_badge=actor.badge, action="reclassify_refused", entity="downtime_stop",
            entity_id=rec.stop_id, old={"reason": rec.reason_code},
            new={"reason": new_code},
            detail=f"{actor.label} may not change the reason of the stop from "
                   f"{self._local(rec.start)} ({rec.reason_code} -> {new_code})")])
        raise PermissionDenied(DOWNTIME_RECLASSIFY, actor)

    def _classified_by(self, actor: Actor) -> str:
        return "team_lead" if actor.can(DOWNTIME_RECLASSIFY) else "operator"

    def _classify_row(self, actor: Actor, rec: StopRecord, node: ReasonNode, comment: str,
                      at: dt.datetime) -> StopEvent:
        if node.planned:
            kind: str | None = StopKind.PLANNED.value
        elif rec.kind is StopKind.PLANNED:
            kind = StopKind.UNPLANNED.value
        else:
            kind = None
        return StopEvent("classified", rec.stop_id, at, node.code, node.version,
                         classified_by=self._classified_by(actor), comment=comment,
                         stop_kind=kind, actor_badge=actor.badge)

    def _count_use(self, code: str, at: dt.datetime) -> None:
        n, _last = self._usage.get(code, (0, at))
        self._usage[code] = (n + 1, at)

    @requires(DOWNTIME_CLASSIFY)
    def classify(self, actor: Actor, stop_id: str, reason_code: str, comment: str = "") -> Future:
        """Give (or change) the reason of a stop. Returns the write's future."""
        rec = self._stop(stop_id)
        comment = (comment or "").strip()
        node = self._check_reason(reason_code, comment)
        self._check_reclassify(actor, rec, node.code)
        now = self._clock()
        row = self._classify_row(actor, rec, node, comment, now)
        again = rec.reason_code is not None
        audit = dict(
            actor_badge=actor.badge, action="reclassify" if again else "classify",
            entity="downtime_stop", entity_id=rec.stop_id,
            old={"reason": rec.reason_code, "classified_by": rec.classified_by} if again else None,
            new={"reason": node.code, "version": node.version, "comment": comment},
            detail=f"stop from {self._local(rec.start)}: {node.name} ({node.code}) by "
                   f"{actor.label}" + (f", was {rec.reason_code} ({rec.classified_by})"
                                       if again else ""))
        self._count_use(node.code, now)
        log.info("stop %s classified %s by badge %s", rec.stop_id, node.code, actor.badge)
        return self._commit_action([row], audit)

    @requires(DOWNTIME_CLASSIFY)
    def split(self, actor: Actor, stop_id: str, at: dt.datetime,
              first_reason: str | None = None, second_reason: str | None = None, *,
              first_comment: str = "", second_comment: str = "") -> Future:
        """Split a stop at ``at`` (strictly inside it) into two, each with its own reason.

        The part after ``at`` is a new stop (``new_stop_id`` of the split event); it
        keeps the stop's cause, fault code, kind and reason unless given one here. An
        open stop can be split: the second part is the one that goes on.
        """
        rec = self._stop(stop_id)
        now = self._clock()
        end = rec.end or now
        if at.tzinfo is None:
            raise InvalidSplit(tr("downtime", "The split time has no time zone."))
        if not rec.start < at < end:
            raise InvalidSplit(tr("downtime", "%1 is not inside the stop (%2 to %3). Choose a "
                                  "time after its start and before its end.", self._local(at),
                                  self._local(rec.start),
                                  self._local(rec.end) if rec.end else tr("downtime", "now")))
        nodes: list[ReasonNode | None] = []
        for code, comment in ((first_reason, first_comment), (second_reason, second_comment)):
            nodes.append(self._check_reason(code, (comment or "").strip()) if code else None)
            if code:
                self._check_reclassify(actor, rec, code)
        new_id = new_stop_id()
        rows = [StopEvent("split", rec.stop_id, at, new_stop_id=new_id, actor_badge=actor.badge)]
        second = replace(rec, stop_id=new_id, start=at)
        for part, node, comment in ((rec, nodes[0], first_comment),
                                    (second, nodes[1], second_comment)):
            if node is not None:
                rows.append(self._classify_row(actor, part, node, (comment or "").strip(), now))
                self._count_use(node.code, now)
        undo = None
        det = self._detector
        if det.open_stop_id == rec.stop_id:
            real = det.open_is_real
            det.rename_open(new_id, at)

            def undo() -> None:
                if det.open_stop_id == new_id:
                    det.rename_open(rec.stop_id, rec.start, real=real)
        audit = dict(
            actor_badge=actor.badge, action="split", entity="downtime_stop",
            entity_id=rec.stop_id,
            old={"start": rec.start, "end": rec.end, "reason": rec.reason_code},
            new={"at": at, "new_stop_id": new_id, "first_reason": first_reason,
                 "second_reason": second_reason},
            detail=f"stop from {self._local(rec.start)} split at {self._local(at)} by "
                   f"{actor.label}")
        log.info("stop %s split at %s into %s by badge %s", rec.stop_id, at, new_id, actor.badge)
        return self._commit_action(rows, audit, undo=undo)

    # -- maintenance ----------------------------------------------------------------
    def _maint_check(self, rec: StopRecord) -> StopDetails:
        d = self._details[rec.stop_id]
        if d.closed_at is not None:
            raise MaintenanceStepError(tr("downtime", "This stop was closed by maintenance at "
                                          "%1; nothing more can be logged on it.",
                                          self._local(d.closed_at)))
        return d

    @requires(MAINTENANCE_LOG)
    def acknowledge(self, actor: Actor, stop_id: str) -> Future:
        """Maintenance has seen the stop and is on it (response time ends here)."""
        rec = self._stop(stop_id)
        d = self._maint_check(rec)
        if rec.acknowledged_at is not None:
            raise MaintenanceStepError(tr("downtime", "This stop was already acknowledged at %1 "
                                          "(badge %2).", self._local(rec.acknowledged_at),
                                          d.acknowledged_badge or "?"))
        now = self._clock()
        row = StopEvent("acknowledged", rec.stop_id, now, actor_badge=actor.badge)
        audit = dict(actor_badge=actor.badge, action="acknowledge", entity="downtime_stop",
                     entity_id=rec.stop_id, new={"acknowledged_at": now},
                     detail=f"stop from {self._local(rec.start)} acknowledged by {actor.label}")
        return self._commit_action([row], audit)

    @requires(MAINTENANCE_LOG)
    def log_repair(self, actor: Actor, stop_id: str, action: str,
                   parts: Sequence[tuple[str, float]] = (), notes: str = "") -> Future:
        """What was done (and with which parts) to end the stop; the stop's repair time."""
        rec = self._stop(stop_id)
        self._maint_check(rec)
        if rec.acknowledged_at is None:
            raise MaintenanceStepError(tr("downtime", "Acknowledge the stop first, then log the "
                                          "repair."))
        action = (action or "").strip()
        if not action:
            raise MaintenanceStepError(tr("downtime", "Describe the repair: what was done."))
        used = []
        for i, item in enumerate(parts, 1):
            try:
                part, qty = item
            except (TypeError, ValueError):
                raise MaintenanceStepError(tr("downtime", "Part line %1 must name a part and a "
                                              "quantity.", i)) from None
            part = str(part or "").strip()
            if not part:
                raise MaintenanceStepError(tr("downtime", "Part line %1 has no part name.", i))
            if (not isinstance(qty, int | float) or isinstance(qty, bool)
                    or not math.isfinite(qty) or qty <= 0):
                raise MaintenanceStepError(tr("downtime", "The quantity of %1 must be a number "
                                              "above 0, not %2.", part, qty))
            used.append({"part": part, "quantity": qty})
        now = self._clock()
        notes = (notes or "").strip()
        row = StopEvent("repaired", rec.stop_id, now, comment=action, actor_badge=actor.badge)
        since = rec.acknowledged_at
        repair = dict(kind="repair", text=action, stop_id=_uuid(rec.stop_id),
                      duration_min=round((now - since).total_seconds() / 60.0, 3),
                      parts_used=used, notes=notes or None, actor_badge=actor.badge)
        audit = dict(actor_badge=actor.badge, action="repair", entity="downtime_stop",
                     entity_id=rec.stop_id,
                     new={"action": action, "parts": used, "notes": notes},
                     detail=f"repair on the stop from {self._local(rec.start)} logged by "
                            f"{actor.label}")
        return self._commit_action([row], audit, [repair])

    @requires(MAINTENANCE_LOG)
    def close(self, actor: Actor, stop_id: str) -> Future:
        """Maintenance is done with the stop (after the repair is logged)."""
        rec = self._stop(stop_id)
        self._maint_check(rec)
        if rec.repaired_at is None:
            raise MaintenanceStepError(tr("downtime", "Log the repair before closing the stop."))
        now = self._clock()
        row = StopEvent("closed", rec.stop_id, now, actor_badge=actor.badge)
        audit = dict(actor_badge=actor.badge, action="close", entity="downtime_stop",
                     entity_id=rec.stop_id, new={"closed_at": now},
                     detail=f"stop from {self._local(rec.start)} closed by {actor.label}")
        return self._commit_action([row], audit)


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(str(value))


__all__ = [
    "CommentRequired", "DowntimeError", "DowntimeService", "FALLBACK_MICRO_STOP_S", "HORIZON",
    "InvalidSplit", "MaintenanceStepError", "ReasonNode", "ReasonNotSelectable", "UnknownReason",
    "UnknownStop",
]

"""The running shift's KPIs at the station, recomputed from records every second.

The arithmetic is :func:`hmi.services.kpi.compute_oee` on the same plain
records the central side would load from the events (so the panel and a report
agree); this service only keeps those records for the current shift:

* part counts (increments from :class:`~hmi.services.production.ProductionMonitor`
  facts), state changes and cycle times as the machine reports them;
* stops from :class:`~hmi.services.downtime.DowntimeService`;
* breaks from the shift calendar (``[production] shift_calendar``);
* the running order (from its events) for target, remaining and expected end.

At start and at every shift change the records of the shift so far are loaded
from the store on the database worker, so a restart mid-shift shows the whole
shift, not the minutes since the restart. Live facts that arrive while that
load runs are kept and merged (a count is never dropped or counted twice: the
load covers events up to the moment it was asked for, live facts after it).

Emits ``sig_kpis_changed(ShiftKpis)`` at most once a second (the figures are
minutes-scale; the live tiles for counts follow the monitor, not this).
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hmi.config import StationConfig
from hmi.services import kpi
from hmi.services.timeline import CountRecord, Interval, StateSpan, StopRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningOrder:
    code: str
    product_code: str
    product_name: str
    quantity: float
    started_at: dt.datetime
    ideal_cycle_s: float | None
    good_at_start: int = 0  # parts counted in the shift before the order started (offset)


@dataclass(frozen=True)
class ShiftKpis:
    window: Interval
    shift_name: str
    scheduled: bool  # False: no shift in the calendar now; the window is the local day
    now: dt.datetime
    oee: Any  # kpi.OeeResult
    ideal_cycle_s: float | None
    good: int
    scrap: int
    states: list[StateSpan]
    cycles: list[tuple[float, float]]  # (epoch s, cycle time s), oldest first
    stops: list[StopRecord]
    hourly: list[tuple[dt.datetime, int, int]]  # (hour start, good, scrap)
    order: RunningOrder | None = None
    order_good: int = 0
    breaks: list[Interval] = field(default_factory=list)

    @property
    def remaining(self) -> float | None:
        if self.order is None:
            return None
        return max(0.0, self.order.quantity - self.order_good)

    def expected_end(self) -> dt.datetime | None:
        """When the order will be done at the actual average rate of this shift's run time."""
        rem = self.remaining
        if rem is None:
            return None
        if rem == 0:
            return self.now
        run_s = getattr(self.oee, "run_s", 0.0) or 0.0
        total = self.good + self.scrap
        if total <= 0 or run_s <= 0 or self.good <= 0:
            cycle = self.ideal_cycle_s
            if not cycle:
                return None
            return self.now + dt.timedelta(seconds=rem * cycle)
        seconds_per_good = run_s / self.good
        return self.now + dt.timedelta(seconds=rem * seconds_per_good)

    @property
    def actual_rate_per_min(self) -> float | None:
        run_s = getattr(self.oee, "run_s", 0.0) or 0.0
        total = self.good + self.scrap
        return total / run_s * 60 if run_s > 0 and total else None

    @property
    def ideal_rate_per_min(self) -> float | None:
        return 60.0 / self.ideal_cycle_s if self.ideal_cycle_s else None

    @property
    def average_cycle_s(self) -> float | None:
        if not self.cycles:
            return None
        return sum(c for _, c in self.cycles) / len(self.cycles)


class ShiftKpiService(QObject):
    sig_kpis_changed = Signal(object)

    def __init__(self, cfg: StationConfig, *, downtime: Any = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._tz = zoneinfo.ZoneInfo(cfg.station.timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._downtime = downtime
        self._calendar: Any = None  # shiftcal.CalendarSpec
        self._window: Interval | None = None
        self._shift_name = ""
        self._scheduled = False
        self._breaks: list[Interval] = []
        self._counts: list[CountRecord] = []
        self._transitions: list[tuple[dt.datetime, str, int | None]] = []
        self._cycles: collections.deque[tuple[float, float]] = collections.deque(maxlen=600)
        self._last_cycle_ts: dt.datetime | None = None
        self._order: RunningOrder | None = None
        self._ideal_default = cfg.default_ideal_cycle_s
        self._loader: Callable[[Interval], Any] | None = None
        self._submit: Callable[..., Any] | None = None
        self._range_loader: Callable[[Interval], Any] | None = None
        self.last: ShiftKpis | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.recompute)

    # -- wiring --------------------------------------------------------------
    def set_calendar(self, spec: Any) -> None:
        """A :class:`hmi.services.shiftcal.CalendarSpec` (None: no calendar, days only)."""
        self._calendar = spec
        self._window = None

    def set_loader(self, loader: Callable[[Interval], Any], submit: Callable[..., Any]) -> None:
        """``loader(window)`` -> (counts, transitions) stored in the window (the state at its
        start included, as a transition at its start), run through ``submit``
        (:meth:`hmi.services.worker.DbWorker.submit`: on the database thread, result back here)."""
        self._loader = loader
        self._submit = submit
        if self._window is not None:
            self._load(self._window)

    def set_range_loader(self, load: Callable[[Interval], Any]) -> None:
        """``load(window)`` -> a :class:`hmi.services.stops.Timeline` from the store (worker)."""
        self._range_loader = load

    def range_kpis(self, window: Interval, label: str,
                   on_done: Callable[[ShiftKpis], None]) -> None:
        """KPIs over any stored range (a day, a week): loaded on the worker, computed here.

        The same arithmetic as the running shift's (:func:`hmi.services.kpi.oee_for_range`
        with the calendar's breaks and unscheduled time), on the stored events.
        """
        if self._range_loader is None or self._submit is None:
            raise RuntimeError("range_kpis needs set_range_loader and set_loader first")
        now = self._clock()

        def done(tl: Any) -> None:
            ideal = self.ideal_cycle_s
            result = kpi.oee_for_range(window, stops=tl.stops, counts=tl.counts,
                                       ideal_cycle_s=ideal, spec=self._calendar, now=now,
                                       startup_window_s=self._cfg.downtime.startup_window_s)
            hourly = (self._hourly(window, now, tl.counts)
                      if window.seconds <= 36 * 3600 else [])
            on_done(ShiftKpis(
                window=window, shift_name=label, scheduled=True, now=now, oee=result,
                ideal_cycle_s=ideal, good=result.good, scrap=result.scrap, states=tl.states,
                cycles=[], stops=tl.stops, hourly=hourly))

        def failed(exc: BaseException) -> None:
            log.error("could not load the range %s", window, exc_info=exc)

        self._submit(self._range_loader, window, on_done=done, on_error=failed)

    def set_order(self, order: RunningOrder | None) -> None:
        self._order = order

    def start(self, period_ms: int = 1000) -> None:
        self.recompute()
        self._timer.start(period_ms)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def ideal_cycle_s(self) -> float | None:
        if self._order is not None and self._order.ideal_cycle_s:
            return self._order.ideal_cycle_s
        ideal = getattr(self._downtime, "ideal_cycle_s", None)
        return ideal or self._ideal_default

    # -- live inputs -----------------------------------------------------------
    def on_fact(self, kind: str, fields: dict[str, Any]) -> None:
        """Facts from the ProductionMonitor sink (the same the recorder stores)."""
        ts = fields.get("source_ts") or self._clock()
        if kind == "production_count":
            inc = int(fields.get("increment", 0))
            if inc <= 0:
                return
            rec = CountRecord(ts, good=inc if fields["kind"] == "good" else 0,
                              scrap=inc if fields["kind"] == "scrap" else 0)
            self._insert_count(rec)
        elif kind == "machine_state":
            self._insert_transition((ts, str(fields.get("state")), fields.get("fault_code")))

    def on_cycle_time(self, source_ts: dt.datetime, seconds: float) -> None:
        if self._last_cycle_ts is not None and source_ts <= self._last_cycle_ts:
            return
        self._last_cycle_ts = source_ts
        self._cycles.append((source_ts.timestamp(), float(seconds)))

    def _insert_count(self, rec: CountRecord) -> None:
        counts = self._counts
        if not counts or counts[-1].ts <= rec.ts:
            counts.append(rec)
        else:
            bisect.insort(counts, rec, key=lambda c: c.ts)

    def _insert_transition(self, tr: tuple[dt.datetime, str, int | None]) -> None:
        trs = self._transitions
        if not trs or trs[-1][0] <= tr[0]:
            trs.append(tr)
        else:
            bisect.insort(trs, tr, key=lambda t: t[0])

    # -- the shift window -----------------------------------------------------
    def _current_window(self, now: dt.datetime) -> tuple[Interval, str, bool, list[Interval]]:
        from hmi.services import shiftcal

        if self._calendar is not None:
            inst = shiftcal.shift_at(self._calendar, now)
            if inst is not None:
                return Interval(inst.start, inst.end), inst.name, True, list(inst.breaks)
        day = now.astimezone(self._tz).date()
        win = shiftcal.day_interval(day, self._tz)
        return win, self.tr("No shift scheduled · today"), False, []

    def _roll(self, now: dt.datetime) -> None:
        win, name, scheduled, breaks = self._current_window(now)
        if self._window == win:
            return
        self._window, self._shift_name, self._scheduled, self._breaks = win, name, scheduled, breaks
        # Keep only what belongs to the new window; counts before it belong to the old shift.
        self._counts = [c for c in self._counts if c.ts >= win.start]
        before = [t for t in self._transitions if t[0] < win.start]
        self._transitions = ([(win.start, before[-1][1], before[-1][2])] if before else []) + [
            t for t in self._transitions if t[0] >= win.start]
        if self._loader is not None:
            self._load(win)

    def _load(self, win: Interval) -> None:
        """Load the stored part of ``win``; merged with what arrives live meanwhile."""
        cutoff = self._clock()
        self._loading_window = win

        def merge(result: tuple[list[CountRecord], list[tuple[dt.datetime, str, int | None]]]) -> None:
            if self._window != win:
                return  # the shift changed while loading
            counts, transitions = result
            live_counts = [c for c in self._counts if c.ts >= cutoff]
            self._counts = sorted((c for c in counts if win.start <= c.ts < cutoff),
                                  key=lambda c: c.ts) + live_counts
            stored = sorted((t for t in transitions if t[0] < cutoff), key=lambda t: t[0])
            # The loader gives the state at the window's start as a transition at its start.
            carried = [t for t in self._transitions if t[0] <= win.start][-1:]
            if stored and stored[0][0] <= win.start:
                carried = []
            live_tr = [t for t in self._transitions if t[0] >= cutoff]
            self._transitions = carried + stored + live_tr
            self.recompute()

        def failed(exc: BaseException) -> None:  # KPIs then count from now; not fatal
            log.error("could not load the shift's stored events", exc_info=exc)

        self._submit(self._loader, Interval(win.start, cutoff), on_done=merge, on_error=failed)

    # -- computing -------------------------------------------------------------
    def state_spans(self, now: dt.datetime) -> list[StateSpan]:
        win = self._window
        spans: list[StateSpan] = []
        trs = self._transitions
        for i, (ts, state, fault) in enumerate(trs):
            end = trs[i + 1][0] if i + 1 < len(trs) else now
            start = max(ts, win.start) if win else ts
            if end > start:
                spans.append(StateSpan(start, end, state, fault))
        return spans

    def recompute(self) -> ShiftKpis:
        now = self._clock()
        self._roll(now)
        win = self._window
        assert win is not None
        stops = list(self._downtime.stops()) if self._downtime is not None else []
        ideal = self.ideal_cycle_s
        result = kpi.compute_oee(
            win, stops=stops, counts=self._counts, ideal_cycle_s=ideal or 0.0,
            breaks=self._breaks, now=now,
            startup_window_s=self._cfg.downtime.startup_window_s)
        good = sum(c.good for c in self._counts)
        scrap = sum(c.scrap for c in self._counts)
        order_good = 0
        if self._order is not None:
            start = self._order.started_at
            order_good = sum(c.good for c in self._counts if c.ts >= start) + self._order.good_at_start
        snap = ShiftKpis(
            window=win, shift_name=self._shift_name, scheduled=self._scheduled, now=now,
            oee=result, ideal_cycle_s=ideal, good=good, scrap=scrap,
            states=self.state_spans(now), cycles=list(self._cycles),
            stops=[s for s in stops if (s.end or now) > win.start],
            hourly=self._hourly(win, now, self._counts), order=self._order, order_good=order_good,
            breaks=list(self._breaks))
        self.last = snap
        self.sig_kpis_changed.emit(snap)
        return snap

    def _hourly(self, win: Interval, now: dt.datetime, counts: list[CountRecord]
                ) -> list[tuple[dt.datetime, int, int]]:
        """Good and scrap per local clock hour of ``win`` so far (``counts`` in time order)."""
        out: list[tuple[dt.datetime, int, int]] = []
        local = win.start.astimezone(self._tz).replace(minute=0, second=0, microsecond=0)
        hour = local.astimezone(dt.UTC)
        keys = [c.ts for c in counts]
        end = min(win.end, now)
        while hour < end:
            nxt = hour + dt.timedelta(hours=1)
            lo = bisect.bisect_left(keys, max(hour, win.start))
            hi = bisect.bisect_left(keys, nxt)
            chunk = counts[lo:hi]
            out.append((hour, sum(c.good for c in chunk), sum(c.scrap for c in chunk)))
            hour = nxt
        return out

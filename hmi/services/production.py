"""Live production: machine signals in, one consistent snapshot out.

The driver calls :meth:`ProductionMonitor.on_tag_value` for every value it
receives and :meth:`on_connection_state` when the link changes. The monitor
keeps the latest value of every tag with its quality, derives the machine
state and the good/scrap increments (see :mod:`hmi.services.counters`),
hands every fact to an event sink (state changes and counts become events)
and emits ``sig_snapshot_changed``. Views repaint from the snapshot; they
never read the driver.

Values arrive up to ~10,000 a second (issue 3), far more often than a screen
can show them, so the monitor keeps its state in place and builds a snapshot
only when one is asked for: ``sig_snapshot_changed`` is emitted at most
``[ui] max_fps`` times a second, each carrying every value received until then
(the first change after a quiet spell goes out at once, on the next turn of the
event loop). What is recorded is never delayed: the sink gets every count and
state fact immediately, per value and in order. What makes a value no longer
current is not throttled either: a link state change is emitted at once, and a
tag that stops being current (bad quality) flushes on the next turn of the loop.
``snapshot`` is always up to date when read, whatever has been emitted.

A value is *current* only while the link is up and the device reported it
with good quality. Anything else is marked stale and views must show it so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from hmi.config import StationConfig
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.counters import CounterTracker

log = logging.getLogger(__name__)

#: How a machine state is shown: severity keys into the theme.
STATE_SEVERITY = {
    "running": "normal",
    "idle": "warning",
    "starved": "warning",
    "blocked": "warning",
    "changeover": "planned",
    "faulted": "alarm",
    "stopped": "warning",
}


class LiveValue(NamedTuple):
    """A tag's latest value as screens see it. A NamedTuple: up to 10,000 are built a
    second and compared with the previous one (3x cheaper than a frozen dataclass)."""

    value: Any
    quality: str
    source_ts: dt.datetime
    current: bool


@dataclass(frozen=True)
class MachineSnapshot:
    connection: str = ConnectionState.DISCONNECTED.value
    state: str | None = None
    state_code: int | None = None
    state_since: dt.datetime | None = None
    fault_code: int | None = None
    good: int = 0
    scrap: int = 0
    counting_since: dt.datetime | None = None
    values: dict[str, LiveValue] = field(default_factory=dict)
    last_error: str = ""

    @property
    def connected(self) -> bool:
        return self.connection == ConnectionState.CONNECTED.value

    def is_current(self, tag: str) -> bool:
        v = self.values.get(tag)
        return bool(v and v.current and self.connected)

    @property
    def has_live_data(self) -> bool:
        """True once state and good count are current (what --screenshot waits for)."""
        return self.is_current("state") and self.is_current("good_count")


#: Receives facts worth keeping: ("machine_state", {...}) or ("production_count", {...}).
EventSink = Callable[[str, dict[str, Any]], None]


class ProductionMonitor(QObject):
    sig_snapshot_changed = Signal(object)
    #: (tag name, source time as epoch seconds, value) for every numeric process sample.
    sig_sample_received = Signal(str, float, float)

    def __init__(self, cfg: StationConfig, *, sink: EventSink | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 baseline_known: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cfg = cfg
        self._sink = sink
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._good = CounterTracker(cfg.machine.counter_bits)
        self._scrap = CounterTracker(cfg.machine.counter_bits)
        self._process = {t.name for t in cfg.process_tags()}
        # Live state, updated in place: every snapshot field but ``values``, the
        # LiveValue of every tag as of the last build, and the values received since.
        first = MachineSnapshot(counting_since=self._clock())
        self._fields: dict[str, Any] = {
            f.name: getattr(first, f.name) for f in dataclass_fields(MachineSnapshot) if f.name != "values"
        }
        self._values: dict[str, LiveValue] = {}
        self._pending: dict[str, TagValue] = {}
        self._dirty = False
        self._snapshot = first
        # Emission: at most one snapshot per 1/max_fps seconds.
        self._period = 1.0 / cfg.ui.max_fps
        self._emitted = first
        self._last_emit = -math.inf
        self._flush_due: float | None = None  # time.monotonic() a flush is armed for
        self._flush_handle: asyncio.TimerHandle | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        # Until the stored baseline is known, counter values are held back:
        # counting from a guessed baseline could count parts twice.
        self._baseline_known = baseline_known
        self._held: dict[str, TagValue] = {}

    # -- the snapshot -----------------------------------------------------
    @property
    def snapshot(self) -> MachineSnapshot:
        """Everything received so far (built on demand; emitted at a bounded rate)."""
        if self._dirty:
            self._build()
        return self._snapshot

    def flush(self) -> None:
        """Emit ``sig_snapshot_changed`` now if the snapshot changed since the last emission."""
        self._disarm()
        snap = self.snapshot
        if snap is not self._emitted:
            self._emitted = snap
            self._last_emit = time.monotonic()
            self.sig_snapshot_changed.emit(snap)

    # -- inputs ---------------------------------------------------------
    def restore_baseline(self, good_raw: int | None, scrap_raw: int | None) -> None:
        """Continue counting from the raw values recorded before a restart.

        Counter values that arrived before this are counted now, against the
        baseline, so parts made while the station was off are counted once.
        """
        self._good.last_raw = good_raw
        self._scrap.last_raw = scrap_raw
        self._baseline_known = True
        held, self._held = self._held, {}
        for tv in held.values():
            self.on_tag_value(tv)

    def on_connection_state(self, state: ConnectionState | str, error: str = "") -> None:
        state = ConnectionState(state)
        if self._dirty:
            self._build()  # values received before the change keep their place in order
        if state != ConnectionState.CONNECTED:
            # Nothing is current without a link, whatever the last value was.
            values = self._values
            for tag, v in values.items():
                if v.current:
                    values[tag] = v._replace(current=False)
                    self._dirty = True
        self._set("connection", state.value)
        self._set("last_error", error if state != ConnectionState.CONNECTED else "")
        self.flush()  # rare, and what every screen must show at once

    def on_tag_value(self, tv: TagValue) -> None:
        tag = tv.tag
        good_q = tv.quality == Quality.GOOD
        if not good_q and self._is_current(tag):
            urgent = True  # a value that stops being current is shown so without waiting
        else:
            urgent = False
        self._pending[tag] = tv
        self._dirty = True
        fields_ = self._fields
        if tv.connection and tv.connection != fields_["connection"]:
            fields_["connection"] = str(tv.connection)
        if good_q:
            if tag == "state":
                self._state_change(tv)
            elif tag == "fault_code":
                fields_["fault_code"] = int(tv.value)
            elif tag in ("good_count", "scrap_count"):
                if self._baseline_known:
                    self._count(tv)
                else:
                    self._held[tag] = tv
            if tag in self._process and isinstance(tv.value, int | float):
                self.sig_sample_received.emit(tag, tv.source_ts.timestamp(), float(tv.value))
        self._arm(urgent)

    # -- derivations ----------------------------------------------------
    def _state_change(self, tv: TagValue) -> None:
        code = int(tv.value)
        name = self._cfg.machine.state_name(code)
        fields_ = self._fields
        if code == fields_["state_code"]:
            return
        if name is None:
            log.warning("state code %s is not in [machine.state_codes]", code)
        self._emit_fact("machine_state", state_code=code, state=name or "unknown",
                        fault_code=fields_["fault_code"], source_ts=tv.source_ts)
        fields_.update(state_code=code, state=name or "unknown", state_since=tv.source_ts)

    def _count(self, tv: TagValue) -> None:
        tracker = self._good if tv.tag == "good_count" else self._scrap
        inc, how = tracker.update(int(tv.value))
        if how in ("wrap", "reset"):
            log.info("%s counter %s at %s (+%d)", tv.tag, how, tv.value, inc)
        if inc == 0 and how != "first":
            return
        kind = "good" if tv.tag == "good_count" else "scrap"
        self._emit_fact("production_count", kind=kind, increment=inc, raw=int(tv.value),
                        how=how, source_ts=tv.source_ts)
        self._fields[kind] += inc

    def _emit_fact(self, fact: str, **fields: Any) -> None:
        if self._sink is not None:
            self._sink(fact, fields)

    # -- building and emitting ------------------------------------------------
    def _set(self, name: str, value: Any) -> None:
        if self._fields[name] != value:
            self._fields[name] = value
            self._dirty = True

    def _is_current(self, tag: str) -> bool:
        pending = self._pending.get(tag)
        if pending is not None:
            return pending.quality == Quality.GOOD
        live = self._values.get(tag)
        return live is not None and live.current

    def _build(self) -> None:
        """Fold the values received since the last build in; a new snapshot if anything changed."""
        pending, self._pending = self._pending, {}
        self._dirty = False
        values = self._values
        changed = False
        for tag, tv in pending.items():
            live = LiveValue(tv.value, str(tv.quality), tv.source_ts, tv.quality == Quality.GOOD)
            if values.get(tag) != live:
                values[tag] = live
                changed = True
        old = self._snapshot
        if not changed and all(getattr(old, k) == v for k, v in self._fields.items()):
            return
        self._snapshot = MachineSnapshot(values=dict(values), **self._fields)

    def _arm(self, urgent: bool) -> None:
        """Make sure a flush is coming: at once if urgent, else once 1/max_fps has passed."""
        now = time.monotonic()
        due = self._flush_due
        if due is not None and not urgent and now - due < 1.0:
            return  # armed (re-armed if its loop has gone away without running it)
        at = now if urgent else max(now, self._last_emit + self._period)
        if due is not None and due <= at and now - due < 1.0:
            return
        self._disarm()
        self._flush_due = at
        delay = at - now
        if QCoreApplication.instance() is not None:  # the station, Qt tests (also under qasync)
            self._timer.start(math.ceil(delay * 1000))
            return
        try:  # no Qt application (headless tools, benchmarks): the running asyncio loop
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()  # no loop to wait on: emit at once
            return
        self._flush_handle = loop.call_later(delay, self.flush)

    def _disarm(self) -> None:
        self._flush_due = None
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._timer.isActive():
            self._timer.stop()

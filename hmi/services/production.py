"""Live production: machine signals in, one consistent snapshot out.

The driver calls :meth:`ProductionMonitor.on_tag_value` for every value it
receives and :meth:`on_connection_state` when the link changes. The monitor
keeps the latest value of every tag with its quality, derives the machine
state and the good/scrap increments (see :mod:`hmi.services.counters`),
hands every fact to an event sink (state changes and counts become events)
and emits ``sig_snapshot_changed``. Views repaint from the snapshot; they
never read the driver.

A value is *current* only while the link is up and the device reported it
with good quality. Anything else is marked stale and views must show it so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

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


@dataclass(frozen=True)
class LiveValue:
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
        self.snapshot = MachineSnapshot(counting_since=self._clock())
        # Until the stored baseline is known, counter values are held back:
        # counting from a guessed baseline could count parts twice.
        self._baseline_known = baseline_known
        self._held: dict[str, TagValue] = {}

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
        snap = self.snapshot
        if state != ConnectionState.CONNECTED:
            # Nothing is current without a link, whatever the last value was.
            values = {k: replace(v, current=False) for k, v in snap.values.items()}
        else:
            values = snap.values
        self._publish(replace(snap, connection=state.value, values=values,
                              last_error=error if state != ConnectionState.CONNECTED else ""))

    def on_tag_value(self, tv: TagValue) -> None:
        snap = self.snapshot
        good_q = tv.quality == Quality.GOOD
        live = LiveValue(tv.value, str(tv.quality), tv.source_ts, good_q)
        values = dict(snap.values)
        values[tv.tag] = live
        changes: dict[str, Any] = {"values": values}
        if tv.connection and tv.connection != snap.connection:
            changes["connection"] = str(tv.connection)
        if good_q:
            if tv.tag == "state":
                changes.update(self._state_change(tv))
            elif tv.tag == "fault_code":
                changes["fault_code"] = int(tv.value)
            elif tv.tag in ("good_count", "scrap_count"):
                if self._baseline_known:
                    changes.update(self._count(tv))
                else:
                    self._held[tv.tag] = tv
            if tv.tag in self._process and isinstance(tv.value, int | float):
                self.sig_sample_received.emit(tv.tag, tv.source_ts.timestamp(), float(tv.value))
        self._publish(replace(snap, **changes))

    # -- derivations ----------------------------------------------------
    def _state_change(self, tv: TagValue) -> dict[str, Any]:
        code = int(tv.value)
        name = self._cfg.machine.state_name(code)
        if code == self.snapshot.state_code:
            return {}
        if name is None:
            log.warning("state code %s is not in [machine.state_codes]", code)
        self._emit_fact("machine_state", state_code=code, state=name or "unknown",
                        fault_code=self.snapshot.fault_code, source_ts=tv.source_ts)
        return {"state_code": code, "state": name or "unknown", "state_since": tv.source_ts}

    def _count(self, tv: TagValue) -> dict[str, Any]:
        tracker = self._good if tv.tag == "good_count" else self._scrap
        inc, how = tracker.update(int(tv.value))
        if how in ("wrap", "reset"):
            log.info("%s counter %s at %s (+%d)", tv.tag, how, tv.value, inc)
        if inc == 0 and how != "first":
            return {}
        kind = "good" if tv.tag == "good_count" else "scrap"
        self._emit_fact("production_count", kind=kind, increment=inc, raw=int(tv.value),
                        how=how, source_ts=tv.source_ts)
        return {kind: getattr(self.snapshot, kind) + inc}

    def _emit_fact(self, fact: str, **fields: Any) -> None:
        if self._sink is not None:
            self._sink(fact, fields)

    def _publish(self, snap: MachineSnapshot) -> None:
        if snap != self.snapshot:
            self.snapshot = snap
            self.sig_snapshot_changed.emit(snap)

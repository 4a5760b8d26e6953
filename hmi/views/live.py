"""Live production: is it running, how much good and scrap, how fast, and how the shift goes.

Top: machine state with time in state, good and scrap, actual vs ideal rate,
last and average cycle. Second row: the running order (target, remaining,
expected end) and the process values with their limits. Below: the process
trend (one strip per value, hours of history, touch pan/zoom and back to
live), the cycle-time chart with the ideal cycle, and the shift's state band.

Nothing here computes a KPI: machine values come from the
:class:`~hmi.services.production.ProductionMonitor` snapshot, shift figures from
:class:`~hmi.services.shiftkpi.ShiftKpis`. Repaints are throttled to ``max_fps``.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.config import StationConfig
from hmi.services.production import MachineSnapshot, ProductionMonitor
from hmi.views import presenters
from hmi.widgets.charts import CycleTimeChart, StateTimeline
from hmi.widgets.tiles import ValueTile
from hmi.widgets.trend import LiveTrend

#: loader(tag names, t0 epoch s, t1 epoch s, on_done({name: (t, v)})): history for the trend
HistoryLoader = Callable[[list[str], float, float, Callable[[dict[str, Any]], None]], None]


def _fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class LiveView(QWidget):
    def __init__(self, cfg: StationConfig, monitor: ProductionMonitor,
                 parent: QWidget | None = None, *, kpis: Any = None,
                 load_history: HistoryLoader | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._cfg = cfg
        self._tz = zoneinfo.ZoneInfo(cfg.station.timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._snapshot: MachineSnapshot = monitor.snapshot
        self._kpis: Any = None
        self._load_history = load_history
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(8)

        grid = QGridLayout()
        grid.setSpacing(8)
        self.state_tile = ValueTile(self.tr("Machine state"), large=True, parent=self)
        self.good_tile = ValueTile(self.tr("Good"), self.tr("parts"), large=True, parent=self)
        self.scrap_tile = ValueTile(self.tr("Scrap"), self.tr("parts"), large=True, parent=self)
        self.rate_tile = ValueTile(self.tr("Rate (actual / ideal)"), self.tr("/min"), parent=self)
        cycle = cfg.tag("cycle_time")
        self.cycle_tile = ValueTile(self.tr("Cycle (last / avg)"), cycle.unit if cycle else "s",
                                    parent=self)
        grid.addWidget(self.state_tile, 0, 0, 1, 2)
        grid.addWidget(self.good_tile, 0, 2)
        grid.addWidget(self.scrap_tile, 0, 3)
        grid.addWidget(self.rate_tile, 0, 4)
        grid.addWidget(self.cycle_tile, 0, 5)
        self.order_tile = ValueTile(self.tr("Order · product"), parent=self)
        self.target_tile = ValueTile(self.tr("Remaining of target"), self.tr("parts"), parent=self)
        self.end_tile = ValueTile(self.tr("Expected end"), parent=self)
        grid.addWidget(self.order_tile, 1, 0, 1, 2)
        grid.addWidget(self.target_tile, 1, 2)
        grid.addWidget(self.end_tile, 1, 3)
        self.pv_tiles: dict[str, ValueTile] = {}
        for i, tag in enumerate(cfg.process_tags()[:2]):
            tile = ValueTile(tag.label or tag.name, tag.unit, parent=self)
            self.pv_tiles[tag.name] = tile
            grid.addWidget(tile, 1, 4 + i)
        for col in range(6):
            grid.setColumnStretch(col, 1)
        lay.addLayout(grid)

        charts = QHBoxLayout()
        charts.setSpacing(8)
        self.trend = LiveTrend(window_s=600, max_fps=cfg.ui.max_fps, parent=self,
                               tz=cfg.station.timezone)
        self.trend.setMinimumHeight(150)
        for tag in cfg.process_tags()[:4]:
            self.trend.add_curve(tag.name, tag.label or tag.name, tag.unit,
                                 tag.low_limit, tag.high_limit)
        self.trend.sig_range_requested.connect(self._history_requested)
        charts.addWidget(self.trend, 3)
        side = QVBoxLayout()
        side.setSpacing(2)
        cycle_title = QLabel(self.tr("Cycle times"), self)
        cycle_title.setObjectName("sectionTitle")
        side.addWidget(cycle_title)
        self.cycle_chart = CycleTimeChart(self, tz=cfg.station.timezone)
        self.cycle_chart.setMinimumSize(200, 110)
        side.addWidget(self.cycle_chart, 1)
        charts.addLayout(side, 2)
        lay.addLayout(charts, 1)
        # The shift's state band, full width (its legend needs the room).
        self.timeline = StateTimeline(self, tz=cfg.station.timezone)
        self.timeline.setFixedHeight(104)
        lay.addWidget(self.timeline)

        monitor.sig_snapshot_changed.connect(self.show_snapshot)
        monitor.sig_sample_received.connect(self.trend.add_sample)
        self._stale_tags: set[str] = set()
        if kpis is not None:
            self.attach_kpis(kpis)
        # The monitor emits snapshots at most [ui] max_fps times a second, so each is
        # rendered at once (a second throttle here would only add latency); once a
        # second anyway for "time in state".
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._render)
        self._tick.start(1000)
        self._render()
        self.load_recent_history()

    def load_recent_history(self, seconds: float = 3600.0) -> None:
        """Fill the trend with the last ``seconds`` from the process-value history."""
        if self._load_history is not None:
            now = self._clock().timestamp()
            self._history_requested(now - seconds, now)

    def attach_kpis(self, kpis: Any) -> None:
        """The shift KPI service (it exists once the store is open)."""
        kpis.sig_kpis_changed.connect(self.show_kpis)
        if getattr(kpis, "last", None) is not None:
            self.show_kpis(kpis.last)

    # -- history for the trend -------------------------------------------------------
    def _history_requested(self, t0: float, t1: float) -> None:
        if self._load_history is None:
            return
        names = self.trend.curve_names()

        def done(series: dict[str, Any]) -> None:
            for name, (t, v) in series.items():
                self.trend.set_history(name, t, v, covered_from=t0)

        self._load_history(names, t0, t1, done)

    # -- inputs -------------------------------------------------------------------------
    def show_snapshot(self, snap: MachineSnapshot) -> None:
        self._snapshot = snap
        self._render()

    def show_kpis(self, k: Any) -> None:
        self._kpis = k
        self._render_kpis(k)
        self.cycle_chart.set_ideal(k.ideal_cycle_s)
        cycles = k.cycles[-120:]
        self.cycle_chart.set_cycles([t for t, _ in cycles], [c for _, c in cycles])
        self.timeline.set_range(k.window.start.timestamp(), k.window.end.timestamp())
        spans = [(s.start.timestamp(), s.end.timestamp(), s.state) for s in k.states]
        spans += [(b.start.timestamp(), b.end.timestamp(), "break") for b in k.breaks
                  if b.start < k.now]
        spans.sort()
        self.timeline.set_spans(spans)
        self.timeline.set_now(k.now.timestamp())

    # -- rendering --------------------------------------------------------------------------
    def _render(self) -> None:
        snap = self._snapshot
        now = self._clock()
        shown = [
            (self.state_tile, presenters.machine_state(snap, now, self._tz)),
            (self.good_tile, presenters.count(snap, "good", self._tz)),
            (self.scrap_tile, presenters.count(snap, "scrap", self._tz)),
        ]
        cyc = presenters.number(snap, "cycle_time", self._tz, decimals=2)
        k = self._kpis
        avg = k.average_cycle_s if k is not None else None
        if avg is not None:
            cyc = presenters.Shown(f"{cyc.text} / {avg:.2f}", cyc.severity, cyc.stale, cyc.note)
        shown.append((self.cycle_tile, cyc))
        for name, tile in self.pv_tiles.items():
            tag = self._cfg.tag(name)
            shown.append((tile, presenters.number(snap, name, self._tz,
                                                  low=tag.low_limit if tag else None,
                                                  high=tag.high_limit if tag else None)))
        for tile, s in shown:
            tile.show_value(s.text, severity=s.severity, stale=s.stale, note=s.note)
        self._render_kpis(k)
        self._mark_stale(snap)

    def _render_kpis(self, k: Any) -> None:
        if k is None:
            for tile in (self.rate_tile, self.order_tile, self.target_tile, self.end_tile):
                tile.show_value("—", note=self.tr("waiting for the station database"))
            return
        actual, ideal = k.actual_rate_per_min, k.ideal_rate_per_min
        severity, note = "normal", ""
        if actual is not None and ideal:
            share = actual / ideal
            note = self.tr("%1 % of ideal").replace("%1", f"{share * 100:.0f}")
            if share > 1.05:
                severity = "warning"
                note = self.tr("faster than ideal: check the ideal cycle time")
        elif not ideal:
            note = self.tr("no ideal cycle time configured")
        self.rate_tile.show_value(f"{_fmt_rate(actual)} / {_fmt_rate(ideal)}",
                                  severity=severity, note=note)
        order = k.order
        if order is None:
            self.order_tile.show_value(self.tr("No order"),
                                       note=self.tr("shift %1 · counts go to no order")
                                       .replace("%1", k.shift_name))
            self.target_tile.show_value("—", note=self.tr("no order running"))
            self.end_tile.show_value("—")
            return
        self.order_tile.show_value(order.code, note=f"{order.product_code} · {order.product_name}")
        remaining = k.remaining or 0
        self.target_tile.show_value(
            f"{remaining:,.0f}".replace(",", "\u2009"),
            note=self.tr("%1 of %2 good").replace("%1", f"{k.order_good:,}".replace(",", "\u2009"))
            .replace("%2", f"{order.quantity:,.0f}".replace(",", "\u2009")))
        end = k.expected_end()
        if end is None:
            self.end_tile.show_value("—", note=self.tr("no rate yet"))
        elif remaining == 0:
            self.end_tile.show_value(self.tr("Done"), note=self.tr("target reached"))
        else:
            local = end.astimezone(self._tz)
            day = "" if local.date() == k.now.astimezone(self._tz).date() else local.strftime("%a ")
            self.end_tile.show_value(f"{day}{local:%H:%M}",
                                     note=self.tr("at this shift's actual rate"))

    def _mark_stale(self, snap: MachineSnapshot) -> None:
        """Trend strips of values that are not current are marked stale (and broken)."""
        for name in self.trend.curve_names():
            v = snap.values.get(name)
            current = snap.is_current(name)
            if not current and name not in self._stale_tags:
                since = v.source_ts.timestamp() if v is not None else None
                self._stale_tags.add(name)
                if since is not None:
                    self.trend.add_sample(name, since + 1e-3, math.nan)  # the line breaks here
                self.trend.set_stale(name, True, since)
            elif current and name in self._stale_tags:
                self._stale_tags.discard(name)
                self.trend.set_stale(name, False)

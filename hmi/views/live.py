"""Live production screen: state, counts, cycle time and process values with a trend."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from hmi.config import StationConfig
from hmi.services.production import MachineSnapshot, ProductionMonitor
from hmi.views import presenters
from hmi.widgets.tiles import ValueTile
from hmi.widgets.trend import LiveTrend


class LiveView(QWidget):
    def __init__(self, cfg: StationConfig, monitor: ProductionMonitor,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._cfg = cfg
        self._tz = zoneinfo.ZoneInfo(cfg.station.timezone)
        self._snapshot: MachineSnapshot = monitor.snapshot
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("Live production"), self)
        title.setObjectName("screenTitle")
        lay.addWidget(title)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.state_tile = ValueTile(self.tr("Machine state"), large=True, parent=self)
        self.good_tile = ValueTile(self.tr("Good"), self.tr("parts"), large=True, parent=self)
        self.scrap_tile = ValueTile(self.tr("Scrap"), self.tr("parts"), large=True, parent=self)
        cycle = cfg.tag("cycle_time")
        self.cycle_tile = ValueTile(self.tr("Last cycle"), cycle.unit if cycle else "s", parent=self)
        grid.addWidget(self.state_tile, 0, 0, 1, 2)
        grid.addWidget(self.good_tile, 0, 2)
        grid.addWidget(self.scrap_tile, 0, 3)
        grid.addWidget(self.cycle_tile, 1, 0)
        self.pv_tiles: dict[str, ValueTile] = {}
        for i, tag in enumerate(cfg.process_tags()[:3]):
            tile = ValueTile(tag.label or tag.name, tag.unit, parent=self)
            self.pv_tiles[tag.name] = tile
            grid.addWidget(tile, 1, i + 1)
        for col in range(4):
            grid.setColumnStretch(col, 1)
        lay.addLayout(grid)

        self.trend = LiveTrend(window_s=300, max_fps=cfg.ui.max_fps, parent=self)
        self.trend.setMinimumHeight(220)
        for tag in cfg.process_tags()[:3]:
            unit = f" [{tag.unit}]" if tag.unit else ""
            self.trend.add_curve(tag.name, f"{tag.label or tag.name}{unit}")
        lay.addWidget(self.trend, 1)

        monitor.sig_snapshot_changed.connect(self.show_snapshot)
        monitor.sig_sample_received.connect(self.trend.add_sample)
        self._dirty = True
        # Values arrive many times a second; repaint at most max_fps and
        # once a second anyway for "time in state".
        self._throttle = QTimer(self)
        self._throttle.timeout.connect(self._render_if_dirty)
        self._throttle.start(int(1000 / cfg.ui.max_fps))
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._render)
        self._tick.start(1000)
        self._render()

    def show_snapshot(self, snap: MachineSnapshot) -> None:
        self._snapshot = snap
        self._dirty = True

    def _render_if_dirty(self) -> None:
        if self._dirty:
            self._render()

    def _render(self) -> None:
        self._dirty = False
        snap = self._snapshot
        now = dt.datetime.now(dt.UTC)
        shown = [
            (self.state_tile, presenters.machine_state(snap, now, self._tz)),
            (self.good_tile, presenters.count(snap, "good", self._tz)),
            (self.scrap_tile, presenters.count(snap, "scrap", self._tz)),
            (self.cycle_tile, presenters.number(snap, "cycle_time", self._tz, decimals=2)),
        ]
        for name, tile in self.pv_tiles.items():
            tag = self._cfg.tag(name)
            shown.append((tile, presenters.number(snap, name, self._tz,
                                                  low=tag.low_limit if tag else None,
                                                  high=tag.high_limit if tag else None)))
        for tile, s in shown:
            tile.show_value(s.text, severity=s.severity, stale=s.stale, note=s.note)

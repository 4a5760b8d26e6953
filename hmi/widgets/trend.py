"""Live trend of process values (pyqtgraph).

Throttle the display, not the data: every sample goes into a fixed-size ring
buffer; a timer repaints at a bounded rate and only when something changed.
Plot items are created once and updated with ``setData``.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

PALETTE = ("#1a1a1a", "#2a6ebb", "#7a4a00", "#5b2470")


class _Ring:
    def __init__(self, size: int) -> None:
        self.t = np.zeros(size)
        self.v = np.zeros(size)
        self.n = 0
        self.i = 0

    def add(self, t: float, v: float) -> None:
        self.t[self.i] = t
        self.v[self.i] = v
        self.i = (self.i + 1) % len(self.t)
        self.n = min(self.n + 1, len(self.t))

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        if self.n < len(self.t):
            return self.t[: self.n], self.v[: self.n]
        return np.roll(self.t, -self.i), np.roll(self.v, -self.i)


class LiveTrend(pg.PlotWidget):
    """Several curves against seconds-ago; repaints at most ``max_fps`` times a second."""

    def __init__(self, window_s: float = 300.0, max_fps: int = 10, capacity: int = 20_000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, background="#e6e6e6")
        self.window_s = window_s
        self._capacity = capacity
        self._rings: dict[str, _Ring] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._dirty = False
        self.paints = 0
        self.setAntialiasing(False)
        pi = self.getPlotItem()
        pi.showGrid(x=True, y=True, alpha=0.25)
        pi.setMenuEnabled(False)
        pi.hideButtons()
        pi.setLabel("bottom", self.tr("seconds ago"))
        pi.getAxis("bottom").setPen("#3c3c3c")
        pi.getAxis("left").setPen("#3c3c3c")
        font = QFont()
        font.setPixelSize(16)
        for side in ("bottom", "left"):
            axis = pi.getAxis(side)
            axis.setTextPen("#1a1a1a")
            axis.setStyle(tickFont=font)
        pi.getAxis("left").setWidth(64)
        self._legend = pi.addLegend(offset=(10, 10), labelTextColor="#1a1a1a", labelTextSize="12pt")
        self.setXRange(-window_s, 0, padding=0)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._refresh)
        self._timer.start(int(1000 / max_fps))

    def add_curve(self, name: str, label: str) -> None:
        color = PALETTE[len(self._curves) % len(PALETTE)]
        self._rings[name] = _Ring(self._capacity)
        self._curves[name] = self.plot([], [], pen=pg.mkPen(color, width=3), name=label,
                                       clipToView=True, autoDownsample=True,
                                       downsampleMethod="peak")

    def add_sample(self, name: str, t: float, value: float) -> None:
        ring = self._rings.get(name)
        if ring is not None:
            ring.add(t, value)
            self._dirty = True

    def _refresh(self) -> None:
        if not self._dirty or not self.isVisible():
            return
        self._dirty = False
        now = time.time()
        for name, ring in self._rings.items():
            t, v = ring.data()
            self._curves[name].setData(t - now, v)
        self.paints += 1

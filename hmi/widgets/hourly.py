"""Output per hour of the shift: good parts stacked with scrap, the ideal output as a line."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from hmi.widgets.charts import ALARM, BACKGROUND, BAR, INK, MUTED, _font


class HourlyBars(pg.PlotWidget):
    """``set_hours([(hour start epoch s, good, scrap)], target_per_hour)``; items made once."""

    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=BACKGROUND)
        self.setObjectName("hourlyBars")
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._hours: list[float] = []
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(y=True, alpha=0.25)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(MUTED)
            axis.setTextPen(INK)
            axis.setStyle(tickFont=_font(16))
        plot.setTitle(self.tr("Parts per hour"), color=INK, size="14pt")
        self.good = pg.BarGraphItem(x=[], height=[], width=0.7, brush=BAR, pen=None)
        self.scrap = pg.BarGraphItem(x=[], y0=[], height=[], width=0.7, brush=ALARM, pen=None)
        plot.addItem(self.good)
        plot.addItem(self.scrap)
        self.target = pg.InfiniteLine(angle=0, movable=False,
                                      pen=pg.mkPen(INK, width=2, style=Qt.PenStyle.DashLine),
                                      label="", labelOpts={"position": 0.9, "color": INK,
                                                               "anchors": [(1, 1), (1, 1)]})
        self.target.hide()
        plot.addItem(self.target)

    def set_hours(self, hours: Sequence[tuple[float, int, int]],
                  target_per_hour: float | None = None) -> None:
        self._hours = [h for h, _, _ in hours]
        x = np.arange(len(hours), dtype=float)
        good = np.array([g for _, g, _ in hours], float)
        scrap = np.array([s for _, _, s in hours], float)
        self.good.setOpts(x=x, height=good, width=0.7)
        self.scrap.setOpts(x=x, y0=good, height=scrap, width=0.7)
        top = float((good + scrap).max()) if len(hours) else 1.0
        if target_per_hour:
            self.target.setValue(target_per_hour)
            self.target.label.setFormat(self.tr("ideal %1/h").replace("%1", f"{target_per_hour:.0f}"))
            self.target.show()
            top = max(top, target_per_hour)
        else:
            self.target.hide()
        plot = self.getPlotItem()
        plot.setYRange(0, max(top, 1.0) * 1.15, padding=0)
        plot.setXRange(-0.5, max(len(hours), 8) - 0.5, padding=0)
        plot.getAxis("bottom").setTicks([[
            (float(i), dt.datetime.fromtimestamp(h, self._tz).strftime("%H"))
            for i, h in enumerate(self._hours)]])

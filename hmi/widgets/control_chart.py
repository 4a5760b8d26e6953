"""An SPC control chart for the panel (pyqtgraph): points, centre line, limits, zones.

Plain data in (values, limits — one set or one per point — and the indices a rule
fired on); the widget never imports services. ISA-101: the chart is grey; the points
a rule fired on are red and larger, points beyond the limits red, and the title line
says which rule fired in words, so the abnormal state reads from across the cell.
The ±1σ and ±2σ zones are light dotted lines (what the Nelson rules count against).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hmi.widgets.charts import ALARM, BACKGROUND, BAR, INK, MUTED, _style_plot

__all__ = ["ControlChart"]


class ControlChart(QWidget):
    """``set_data(values, center, ucl, lcl, highlight=..., message=...)``.

    ``ucl``/``lcl`` may be numbers or one per point (p and u charts with varying
    sample sizes draw stepped limits).
    """

    def __init__(self, title: str = "", unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controlChart")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(title, self)
        self.title.setObjectName("sectionTitle")
        self.message = QLabel("", self)
        self.message.setObjectName("chartAlarm")
        self.message.setWordWrap(True)
        self.message.hide()
        self.plot_widget = pg.PlotWidget(self, background=BACKGROUND)
        plot = self.plot_widget.getPlotItem()
        _style_plot(plot)
        plot.getAxis("left").enableAutoSIPrefix(False)  # 0.41, not "410 (x0.001)"
        if unit:
            plot.setLabel("left", unit, color=MUTED, **{"font-size": "16px"})
        self.line = pg.PlotDataItem([], [], pen=pg.mkPen(BAR, width=2))
        self.normal = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(INK), pen=None)
        self.flagged = pg.ScatterPlotItem(size=18, brush=pg.mkBrush(ALARM),
                                          pen=pg.mkPen("#ffffff", width=2))
        dash = Qt.PenStyle.DashLine
        self.center = pg.PlotDataItem([], [], pen=pg.mkPen(INK, width=2))
        self.ucl = pg.PlotDataItem([], [], pen=pg.mkPen(ALARM, width=2, style=dash))
        self.lcl = pg.PlotDataItem([], [], pen=pg.mkPen(ALARM, width=2, style=dash))
        self.zones = [pg.PlotDataItem([], [], pen=pg.mkPen("#9a9a9a", width=1,
                                                           style=Qt.PenStyle.DotLine))
                      for _ in range(4)]
        for item in (*self.zones, self.center, self.ucl, self.lcl, self.line, self.normal,
                     self.flagged):
            plot.addItem(item)
        lay.addWidget(self.title)
        lay.addWidget(self.message)
        lay.addWidget(self.plot_widget, 1)
        self.highlighted: list[int] = []

    def set_data(self, values: Sequence[float], center: float | None,
                 ucl: float | Sequence[float] | None = None,
                 lcl: float | Sequence[float] | None = None, *,
                 highlight: Sequence[int] = (), message: str = "") -> None:
        """``center`` None: no limits yet — the points alone, no lines that could be
        mistaken for limits."""
        y = np.asarray(values, float)
        n = len(y)
        x = np.arange(1, n + 1, dtype=float)
        limits = center is not None and ucl is not None and lcl is not None
        for item in (self.center, self.ucl, self.lcl, *self.zones):
            item.setVisible(limits)
        if not limits:
            flagged = sorted(i for i in highlight if 0 <= i < n)
            self.highlighted = flagged
            normal = [i for i in range(n) if i not in set(flagged)]
            self.line.setData(x, y)
            self.normal.setData(x[normal], y[normal])
            self.flagged.setData(x[flagged], y[flagged])
            self.message.setText(message)
            self.message.setVisible(bool(message))
            if n:
                top, bottom = float(np.max(y)), float(np.min(y))
                pad = (top - bottom) * 0.15 or abs(top) * 0.01 or 1.0
                self.plot_widget.getPlotItem().getViewBox().setRange(
                    xRange=(0.5, n + 0.5), yRange=(bottom - pad, top + pad), padding=0)
                step = max(1, -(-n // 10))
                self.plot_widget.getPlotItem().getAxis("bottom").setTickSpacing(step, step)
            return
        up = np.full(n, float(ucl)) if np.isscalar(ucl) else np.asarray(ucl, float)
        lo = np.full(n, float(lcl)) if np.isscalar(lcl) else np.asarray(lcl, float)
        if len(up) != n or len(lo) != n:
            raise ValueError("one limit per value is needed")
        beyond = {i for i in range(n) if y[i] > up[i] or y[i] < lo[i]}
        flagged = sorted(beyond | {i for i in highlight if 0 <= i < n})
        self.highlighted = flagged
        normal = [i for i in range(n) if i not in set(flagged)]
        self.line.setData(x, y)
        self.normal.setData(x[normal], y[normal])
        self.flagged.setData(x[flagged], y[flagged])
        # Stepped limits for varying sample sizes; straight ones otherwise.
        # each point's limits span its own slot, [i + 0.5, i + 1.5]
        xs = np.column_stack([x - 0.5, x + 0.5]).ravel()
        self.center.setData([0.5, n + 0.5], [center, center])
        self.ucl.setData(xs, np.repeat(up, 2))
        self.lcl.setData(xs, np.repeat(lo, 2))
        sigma = (up - center) / 3.0
        for item, k in zip(self.zones, (1, 2, -1, -2), strict=True):
            item.setData(xs, np.repeat(center + k * sigma, 2))
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if n:
            top = float(max(np.max(up), np.max(y)))
            bottom = float(min(np.min(lo), np.min(y)))
            pad = (top - bottom) * 0.08 or 1.0
            view = self.plot_widget.getPlotItem().getViewBox()
            view.setRange(xRange=(0.5, n + 0.5), yRange=(bottom - pad, top + pad), padding=0)
            # sample numbers are whole: 1, 2, 3 … (every k-th when there are many)
            step = max(1, -(-n // 10))
            self.plot_widget.getPlotItem().getAxis("bottom").setTickSpacing(step, step)

    def set_title(self, text: str) -> None:
        self.title.setText(text)


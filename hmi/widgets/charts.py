"""Production charts (pyqtgraph): cycle times, the shift's state band, downtime Pareto, OEE losses.

Plain data in, nothing else: these widgets never import services. Every plot
item is created once in ``__init__`` and updated with ``setData``/``setOpts``;
value labels come from a pool that only grows. Colours follow ISA-101 (calm
greys; colour only for what is abnormal or planned) and are defined here
because pyqtgraph items are not styled by QSS. Design notes: docs/charts.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import zoneinfo
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

BACKGROUND = "#e6e6e6"
INK = "#1a1a1a"
MUTED = "#3c3c3c"
BAR = "#6a6a6a"
ALARM = "#d0021b"
WARNING = "#f5a623"
PLANNED = "#2a6ebb"
PLANNED_LIGHT = "#8fb3dc"
UNKNOWN = "#b0b0b0"

#: State groups of the timeline, in legend order: (key, colour, hatched).
STATE_GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("run", "#5a5a5a", False),
    ("idle", WARNING, False),
    ("down", ALARM, False),
    ("changeover", PLANNED, False),
    ("planned", PLANNED_LIGHT, False),
    ("unknown", UNKNOWN, True),
)

#: Machine state names (``[machine.state_codes]``) to timeline groups; anything else is unknown.
DEFAULT_STATE_GROUPS: dict[str, str] = {
    "running": "run", "run": "run", "producing": "run",
    "idle": "idle", "starved": "idle", "blocked": "idle", "stopped": "idle",
    "faulted": "down", "fault": "down", "down": "down", "breakdown": "down",
    "changeover": "changeover", "setup": "changeover",
    "break": "planned", "planned": "planned", "planned_stop": "planned",
    "planned_maintenance": "planned", "meeting": "planned",
    "unknown": "unknown", "no_data": "unknown", "disconnected": "unknown",
}

_LABEL_STYLE = {"color": MUTED, "font-size": "16px"}

_TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
               21600, 43200, 86400)


def _font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def fmt_hm(seconds: float) -> str:
    """Hours and minutes, ``7:05`` (rounded to the minute; negative with a sign)."""
    sign = "-" if seconds < 0 else ""
    m = int(round(abs(seconds) / 60.0))
    return f"{sign}{m // 60}:{m % 60:02d}"


def elide(text: str, font: QFont, width_px: float, lines: int = 2) -> str:
    """Fit ``text`` into ``lines`` lines of ``width_px`` (word wrap, then "…")."""
    fm = QFontMetrics(font)
    if fm.horizontalAdvance(text) <= width_px:
        return text
    out: list[str] = []
    words = text.split()
    cur = ""
    while words and len(out) < lines:
        w = words[0]
        trial = f"{cur} {w}".strip()
        if fm.horizontalAdvance(trial) <= width_px or not cur:
            cur = trial
            words.pop(0)
            if fm.horizontalAdvance(cur) > width_px:
                out.append(cur)
                cur = ""
        else:
            out.append(cur)
            cur = ""
    if cur and len(out) < lines:
        out.append(cur)
    out = out[:lines]
    if words or any(fm.horizontalAdvance(x) > width_px for x in out):
        out[-1] = fm.elidedText(out[-1] + (" " + " ".join(words) if words else ""),
                                Qt.TextElideMode.ElideRight, int(max(10, width_px)))
    return "\n".join(out)


class TimeAxis(pg.AxisItem):
    """Epoch-seconds axis labelled in a named time zone (local wall time, DST-correct labels)."""

    def __init__(self, tz: str | None = None, orientation: str = "bottom", **kw: object) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)
        self._tz = zoneinfo.ZoneInfo(tz) if tz else None

    def set_timezone(self, tz: str | None) -> None:
        self._tz = zoneinfo.ZoneInfo(tz) if tz else None
        self.picture = None
        self.update()

    def _offset(self, t: float) -> float:
        d = dt.datetime.fromtimestamp(t, self._tz) if self._tz else dt.datetime.fromtimestamp(t)
        off = d.utcoffset() if self._tz else d.astimezone().utcoffset()
        return off.total_seconds() if off else 0.0

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802, N803
        span = maxVal - minVal
        if span <= 0 or size <= 0 or not math.isfinite(span):
            return []
        target = span * 130.0 / size
        step = next((s for s in _TIME_STEPS if s >= target), None)
        if step is None:
            step = 86400 * math.ceil(target / 86400)
        try:
            off = self._offset(0.5 * (minVal + maxVal))
        except (OverflowError, OSError, ValueError):
            return []
        first = math.ceil((minVal + off) / step) * step - off
        ticks = np.arange(first, maxVal, step)[:200]
        return [(float(step), ticks.tolist())]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        fmt = "%H:%M:%S" if spacing < 60 else "%H:%M"
        out = []
        for v in values:
            try:
                d = dt.datetime.fromtimestamp(v, self._tz) if self._tz else \
                    dt.datetime.fromtimestamp(v)
            except (OverflowError, OSError, ValueError):
                out.append("")
                continue
            if spacing >= 3600 and d.hour == 0 and d.minute == 0:
                out.append(d.strftime("%d.%m."))
            else:
                out.append(d.strftime(fmt))
        return out


_DURATION_STEPS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400)


class DurationAxis(pg.AxisItem):
    """Seconds on the axis, ticks at whole minutes / hours, labelled h:mm (or plain numbers)."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.duration = True

    def set_duration(self, on: bool) -> None:
        if on != self.duration:
            self.duration = on
            self.picture = None
            self.update()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803
        if not self.duration:
            return super().tickValues(minVal, maxVal, size)
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        target = span * 50.0 / size
        step = next((s for s in _DURATION_STEPS if s >= target), _DURATION_STEPS[-1])
        first = math.ceil(minVal / step) * step
        return [(float(step), np.arange(first, maxVal + 1e-9, step)[:100].tolist())]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        if not self.duration:
            return super().tickStrings(values, scale, spacing)
        return [fmt_hm(v) for v in values]


class _LabelAxis(pg.AxisItem):
    """Category axis: one tick per bar with the bar's (wrapped, elided) label."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)
        self.labels: list[str] = []
        self.label_font = _font(16)
        self.setStyle(tickFont=self.label_font, tickLength=0)
        self.setHeight(56)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803
        return [(1.0, [float(i) for i in range(len(self.labels)) if minVal <= i <= maxVal])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        vb = self.linkedView()
        px = 100.0
        if vb is not None:
            x0, x1 = vb.viewRange()[0]
            if x1 > x0:
                px = vb.width() / (x1 - x0)
        out = []
        for v in values:
            i = int(round(v))
            text = self.labels[i] if 0 <= i < len(self.labels) else ""
            out.append(elide(text, self.label_font, px * 0.95))
        return out

    def set_labels(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.picture = None
        self.update()


def _style_plot(plot: pg.PlotItem) -> None:
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    for side in ("left", "bottom", "right"):
        ax = plot.getAxis(side)
        ax.setPen(MUTED)
        ax.setTextPen(INK)
        if side != "bottom" or not isinstance(ax, _LabelAxis):
            ax.setStyle(tickFont=_font(16))
    plot.getAxis("left").setWidth(64)


class _LabelPool:
    """Value labels on bars: created on demand, reused, hidden when not needed."""

    def __init__(self, plot: pg.PlotItem, px: int = 18, anchor: tuple[float, float] = (0.5, 1)):
        self._plot = plot
        self._px = px
        self._anchor = anchor
        self.items: list[pg.TextItem] = []

    def show(self, entries: Sequence[tuple[float, float, str]]) -> None:
        while len(self.items) < len(entries):
            item = pg.TextItem("", color=INK, anchor=self._anchor)
            item.setFont(_font(self._px, bold=True))
            self._plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
        for item, (x, y, text) in zip(self.items, entries, strict=False):
            item.setText(text)
            item.setPos(x, y)
            item.show()
        for item in self.items[len(entries):]:
            item.hide()

    def texts(self) -> list[str]:
        return [i.textItem.toPlainText() for i in self.items if i.isVisible()]


class CycleTimeChart(pg.PlotWidget):
    """Recent cycle times as bars, the ideal cycle as a dashed line; slow cycles in amber."""

    def __init__(self, parent: QWidget | None = None, *, slow_factor: float = 1.2,
                 tz: str | None = None) -> None:
        super().__init__(parent, background=BACKGROUND)
        self.setObjectName("cycleTimeChart")
        self.slow_factor = slow_factor
        self._tz = zoneinfo.ZoneInfo(tz) if tz else None
        self._ideal: float | None = None
        self._times = np.empty(0)
        self._durations = np.empty(0)
        plot = self.getPlotItem()
        _style_plot(plot)
        plot.setLabel("left", self.tr("cycle [s]"), **_LABEL_STYLE)
        plot.getAxis("bottom").setStyle(tickFont=_font(16))
        plot.getAxis("bottom").tickStrings = self._tick_strings
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=BAR, pen=None)
        plot.addItem(self.bars)
        self.ideal_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(INK, width=2, style=Qt.PenStyle.DashLine),
            label="", labelOpts={"position": 0.02, "color": INK, "fill": pg.mkBrush(BACKGROUND),
                                 "anchors": [(0, 1), (0, 1)]})
        self.ideal_line.label.setFont(_font(18, bold=True))
        self.ideal_line.hide()
        plot.addItem(self.ideal_line)

    def _tick_strings(self, values, scale, spacing):
        out = []
        for v in values:
            i = int(round(v))
            if 0 <= i < len(self._times) and abs(v - i) < 1e-6:
                d = dt.datetime.fromtimestamp(float(self._times[i]), self._tz) if self._tz \
                    else dt.datetime.fromtimestamp(float(self._times[i]))
                out.append(d.strftime("%H:%M:%S"))
            else:
                out.append("")
        return out

    def set_ideal(self, seconds: float | None) -> None:
        self._ideal = seconds if seconds and seconds > 0 else None
        if self._ideal is None:
            self.ideal_line.hide()
        else:
            self.ideal_line.show()  # the label only re-renders while visible
            self.ideal_line.setValue(self._ideal)
            self.ideal_line.label.setFormat(self.tr("ideal %1 s").replace("%1", f"{self._ideal:g}"))
        self._update()

    def set_cycles(self, times: Sequence[float] | np.ndarray,
                   durations: Sequence[float] | np.ndarray) -> None:
        """Cycle end times (epoch s) and their durations (s), oldest first."""
        self._times = np.asarray(times, float)
        self._durations = np.asarray(durations, float)
        if len(self._times) != len(self._durations):
            raise ValueError("times and durations must have the same length")
        self._update()

    def slow_mask(self) -> np.ndarray:
        if self._ideal is None:
            return np.zeros(len(self._durations), bool)
        return self._durations > self._ideal * self.slow_factor

    def _update(self) -> None:
        n = len(self._durations)
        slow = self.slow_mask()
        brushes = [pg.mkBrush(WARNING if s else BAR) for s in slow]
        # No outlines: with a hundred bars an outline is wider than the bar. (pyqtgraph 0.14's
        # BarGraphItem also fails on an empty ``pens`` list: UnboundLocalError.)
        self.bars.setOpts(x=np.arange(n, dtype=float), height=self._durations, width=0.8,
                          brushes=brushes or None, pens=None, pen=None)
        plot = self.getPlotItem()
        top = max([float(np.nanmax(self._durations)) if n else 1.0,
                   (self._ideal or 0.0) * 1.0]) * 1.15
        plot.setYRange(0, max(top, 1e-3), padding=0)
        plot.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        self._fit_ticks()

    def tick_step(self) -> int:
        """Bars between labelled ticks, so no two time labels touch at this width."""
        from PySide6.QtGui import QFontMetrics

        plot = self.getPlotItem()
        label_px = QFontMetrics(plot.getAxis("bottom").style["tickFont"]).horizontalAdvance(
            "00:00:00") + 16  # a "HH:MM:SS" label and a gap
        n = max(len(self._durations), 1)
        width = max(plot.getViewBox().width(), 1.0)
        need = label_px * n / width
        for step in (1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 500, 1000):
            if step >= need:
                return step
        return int(np.ceil(need))

    def _fit_ticks(self) -> None:
        plot = self.getPlotItem()
        if plot is None:  # being torn down
            return
        step = self.tick_step()
        plot.getAxis("bottom").setTickSpacing(step, step)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if "_durations" in self.__dict__:  # not during the base class's own set-up
            self._fit_ticks()


class StateTimeline(QWidget):
    """A Gantt band of the shift: machine state spans coloured by group, a legend, a now marker."""

    def __init__(self, parent: QWidget | None = None, *, tz: str | None = None,
                 groups: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stateTimeline")
        self._groups = dict(DEFAULT_STATE_GROUPS if groups is None else groups)
        self._spans: list[tuple[float, float, str]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.plot_widget = pg.PlotWidget(self, background=BACKGROUND,
                                         axisItems={"bottom": TimeAxis(tz)})
        plot = self.plot_widget.getPlotItem()
        _style_plot(plot)
        plot.hideAxis("left")
        plot.setYRange(0, 1, padding=0)
        self.bands: dict[str, pg.BarGraphItem] = {}
        for key, colour, hatched in STATE_GROUPS:
            brush = QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern) if hatched \
                else pg.mkBrush(colour)
            item = pg.BarGraphItem(x0=[], x1=[], y0=[], height=[], brush=brush,
                                   pen=pg.mkPen(MUTED, width=1) if hatched else None)
            plot.addItem(item)
            self.bands[key] = item
        self.now_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(INK, width=3),
                                        label=self.tr("now"),
                                        labelOpts={"position": 0.9, "color": INK,
                                                   "fill": pg.mkBrush(BACKGROUND)})
        self.now_line.hide()
        plot.addItem(self.now_line, ignoreBounds=True)
        lay.addWidget(self.plot_widget, 1)
        legend = QHBoxLayout()
        legend.setSpacing(16)
        names = {"run": self.tr("Running"), "idle": self.tr("Idle / starved / blocked"),
                 "down": self.tr("Down"), "changeover": self.tr("Changeover"),
                 "planned": self.tr("Planned stop"), "unknown": self.tr("No data")}
        self.legend_labels: dict[str, QLabel] = {}
        for key, colour, hatched in STATE_GROUPS:
            swatch = QFrame(self)
            swatch.setFixedSize(28, 20)
            pattern = "border: 2px dashed #3c3c3c;" if hatched else "border: 1px solid #3c3c3c;"
            swatch.setStyleSheet(f"background: {colour}; {pattern}")
            text = QLabel(names[key], self)
            text.setObjectName("legendText")
            legend.addWidget(swatch)
            legend.addWidget(text)
            self.legend_labels[key] = text
        legend.addStretch(1)
        lay.addLayout(legend)

    def group_of(self, state: str) -> str:
        return self._groups.get(state.lower(), "unknown")

    def set_timezone(self, tz: str | None) -> None:
        self.plot_widget.getPlotItem().getAxis("bottom").set_timezone(tz)

    def set_range(self, t0: float, t1: float) -> None:
        """Shift start and end (epoch s): the x axis."""
        self.plot_widget.getPlotItem().setXRange(t0, t1, padding=0)

    def set_now(self, t: float | None) -> None:
        if t is None:
            self.now_line.hide()
        else:
            self.now_line.setValue(t)
            self.now_line.show()

    def set_spans(self, spans: Sequence[tuple[float, float, str]]) -> None:
        """``(start_epoch, end_epoch, state)`` spans; states map to groups (unknown otherwise)."""
        self._spans = [(float(a), float(b), str(s)) for a, b, s in spans if b > a]
        per: dict[str, list[tuple[float, float]]] = {k: [] for k in self.bands}
        for a, b, s in self._spans:
            per[self.group_of(s)].append((a, b))
        for key, item in self.bands.items():
            rows = per[key]
            x0 = np.array([r[0] for r in rows], float)
            x1 = np.array([r[1] for r in rows], float)
            item.setOpts(x0=x0, x1=x1, y0=np.full(len(rows), 0.1),
                         height=np.full(len(rows), 0.8))

    def seconds_per_group(self) -> dict[str, float]:
        out = {k: 0.0 for k in self.bands}
        for a, b, s in self._spans:
            out[self.group_of(s)] += b - a
        return out


class ParetoChart(QWidget):
    """Downtime by reason, bars sorted descending with a cumulative-% line; count or duration."""

    sig_mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, max_bars: int = 10) -> None:
        super().__init__(parent)
        self.setObjectName("paretoChart")
        self.max_bars = max_bars
        self._rows: list[tuple[str, int, float]] = []
        self._mode = "duration"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel("", self)
        self.title.setObjectName("chartTitle")
        self.mode_button = QPushButton("", self)
        self.mode_button.setObjectName("paretoMode")
        self.mode_button.setMinimumSize(200, 80)
        self.mode_button.clicked.connect(self.toggle_mode)
        top.addWidget(self.title, 1)
        top.addWidget(self.mode_button)
        lay.addLayout(top)
        self.axis = _LabelAxis("bottom")
        self.left_axis = DurationAxis("left")
        self.plot_widget = pg.PlotWidget(self, background=BACKGROUND,
                                         axisItems={"bottom": self.axis, "left": self.left_axis})
        lay.addWidget(self.plot_widget, 1)
        plot = self.plot_widget.getPlotItem()
        _style_plot(plot)
        plot.showAxis("right")
        right = plot.getAxis("right")
        right.setLabel("%", **_LABEL_STYLE)
        right.setWidth(56)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=BAR, pen=None)
        plot.addItem(self.bars)
        self.values = _LabelPool(plot)
        # cumulative % on a second view box sharing x, scaled 0..100 on the right axis
        self.pct_view = pg.ViewBox(enableMouse=False)
        self.pct_view.setZValue(1000)  # a top-level scene item: over the plot and its bars
        plot.scene().addItem(self.pct_view)
        right.linkToView(self.pct_view)
        self.pct_view.setXLink(plot.vb)
        self.pct_view.setYRange(0, 105, padding=0)
        self.cum_curve = pg.PlotDataItem([], [], pen=pg.mkPen(INK, width=3),
                                         symbol="o", symbolSize=10, symbolBrush=INK,
                                         symbolPen=None)
        self.pct_view.addItem(self.cum_curve)
        self.line80 = pg.InfiniteLine(pos=80, angle=0, movable=False,
                                      pen=pg.mkPen(MUTED, width=1, style=Qt.PenStyle.DotLine))
        self.pct_view.addItem(self.line80)
        plot.vb.sigResized.connect(self._sync_views)
        self._sync_views()
        self._update()

    def _sync_views(self) -> None:
        vb = self.plot_widget.getPlotItem().vb
        self.pct_view.setGeometry(vb.sceneBoundingRect())
        self.pct_view.linkedViewChanged(vb, self.pct_view.XAxis)

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in ("count", "duration"):
            raise ValueError(f"mode must be 'count' or 'duration', not {mode!r}")
        if mode != self._mode:
            self._mode = mode
            self._update()
            self.sig_mode_changed.emit(mode)

    def toggle_mode(self) -> None:
        self.set_mode("count" if self._mode == "duration" else "duration")

    def set_rows(self, rows: Sequence[tuple[str, int, float]]) -> None:
        """``(reason label, number of stops, seconds)`` per reason, any order."""
        self._rows = [(str(a), int(b), float(c)) for a, b, c in rows]
        self._update()

    def sorted_rows(self) -> list[tuple[str, float]]:
        """(label, value) as drawn: descending; beyond ``max_bars`` folded into "Other"."""
        key = 1 if self._mode == "count" else 2
        rows = sorted(((r[0], float(r[key])) for r in self._rows), key=lambda r: (-r[1], r[0]))
        rows = [r for r in rows if r[1] > 0]
        if len(rows) > self.max_bars:
            rest = sum(v for _, v in rows[self.max_bars - 1:])
            rows = rows[: self.max_bars - 1] + [(self.tr("Other"), rest)]
        return rows

    def cumulative_percent(self) -> np.ndarray:
        vals = np.array([v for _, v in self.sorted_rows()], float)
        total = vals.sum()
        return np.cumsum(vals) / total * 100.0 if total > 0 else np.zeros(0)

    def _fmt(self, v: float) -> str:
        return f"{int(v)}" if self._mode == "count" else fmt_hm(v)

    def _update(self) -> None:
        rows = self.sorted_rows()
        n = len(rows)
        vals = np.array([v for _, v in rows], float)
        x = np.arange(n, dtype=float)
        self.bars.setOpts(x=x, height=vals, width=0.7)
        self.axis.set_labels([label for label, _ in rows])
        cum = self.cumulative_percent()
        self.cum_curve.setData(x, cum)
        plot = self.plot_widget.getPlotItem()
        top = float(vals.max()) if n else 1.0
        plot.setYRange(0, top * 1.18, padding=0)
        plot.setXRange(-0.5, max(n, 1) - 0.5, padding=0)
        self.values.show([(float(i), float(v), self._fmt(v)) for i, v in enumerate(vals)])
        if self._mode == "count":
            self.title.setText(self.tr("Downtime by reason: number of stops"))
            self.mode_button.setText(self.tr("Show duration"))
            plot.setLabel("left", self.tr("stops"), **_LABEL_STYLE)
        else:
            self.title.setText(self.tr("Downtime by reason: duration (h:mm)"))
            self.mode_button.setText(self.tr("Show count"))
            plot.setLabel("left", self.tr("h:mm"), **_LABEL_STYLE)
        self.left_axis.set_duration(self._mode == "duration")


class LossWaterfall(pg.PlotWidget):
    """OEE loss waterfall: totals as full bars, each loss a bar hanging from the level above.

    ``set_steps([(label, seconds)])`` from all time down to fully productive time. The
    first and last steps are totals; a middle step is a total when it equals the level
    left after the losses before it (within a second), otherwise a loss. A third element
    ``"total"``, ``"loss"`` or ``"planned"`` (a planned loss, drawn blue) overrides that.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        axis = _LabelAxis("bottom")
        super().__init__(parent, background=BACKGROUND,
                         axisItems={"bottom": axis, "left": DurationAxis("left")})
        self.axis = axis
        self.setObjectName("lossWaterfall")
        plot = self.getPlotItem()
        _style_plot(plot)
        plot.getAxis("left").setWidth(72)
        self.bars = pg.BarGraphItem(x=[], y0=[], height=[], width=0.7, brush=BAR, pen=None)
        plot.addItem(self.bars)
        self.values = _LabelPool(plot)
        self.warning = pg.TextItem("", color="#ffffff", fill=pg.mkBrush(ALARM), anchor=(0, 0))
        self.warning.setFont(_font(18, bold=True))
        self.warning.setParentItem(plot.vb)
        self.warning.hide()
        self.steps: list[tuple[str, float, str, float, float]] = []  # label, s, kind, y0, y1
        self.mismatch_s = 0.0

    def set_steps(self, steps: Sequence[tuple]) -> None:
        out: list[tuple[str, float, str, float, float]] = []
        level = 0.0
        mismatch = 0.0
        for i, step in enumerate(steps):
            label, seconds = str(step[0]), float(step[1])
            kind = step[2] if len(step) > 2 else None
            if kind is None:
                if i == 0 or i == len(steps) - 1 or abs(seconds - level) < 1.0:
                    kind = "total"
                else:
                    kind = "loss"
            if kind == "total":
                if i > 0:
                    mismatch = max(mismatch, abs(seconds - level))
                level = seconds
                out.append((label, seconds, "total", 0.0, seconds))
            else:  # a negative loss is a gain: the bar rises from the level
                lo, hi = sorted((level - seconds, level))
                out.append((label, seconds, kind, lo, hi))
                level -= seconds
        self.steps = out
        self.mismatch_s = mismatch
        colours = {"total": BAR, "loss": WARNING, "planned": PLANNED}
        n = len(out)
        self.bars.setOpts(x=np.arange(n, dtype=float), y0=np.array([s[3] for s in out], float),
                          height=np.array([s[4] - s[3] for s in out], float), width=0.7,
                          brushes=[pg.mkBrush(colours.get(s[2], WARNING)) for s in out],
                          pens=[pg.mkPen(INK, width=1) for _ in out])
        self.axis.set_labels([s[0] for s in out])
        labels = []
        for i, (_, seconds, kind, _y0, y1) in enumerate(out):
            if kind == "total":
                text = fmt_hm(seconds)
            else:
                text = ("-" if seconds >= 0 else "+") + fmt_hm(abs(seconds))
            labels.append((float(i), y1, text))
        self.values.show(labels)
        top = max([s[4] for s in out], default=1.0)
        plot = self.getPlotItem()
        plot.setYRange(0, max(top, 60.0) * 1.15, padding=0)
        plot.setXRange(-0.5, max(n, 1) - 0.5, padding=0)
        if mismatch >= 1.0:
            log.warning("loss waterfall steps do not add up (off by %.0f s)", mismatch)
            self.warning.setText(self.tr("Steps do not add up: %1 h:mm unexplained")
                                 .replace("%1", fmt_hm(mismatch)))
            self.warning.setPos(8, 4)
            self.warning.show()
        else:
            self.warning.hide()

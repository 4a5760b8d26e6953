"""Live trend of process values: one strip per value, shared time axis, touch pan and pinch.

Throttle the display, not the data. Every sample goes into a per-curve buffer
(time-sorted numpy arrays; the oldest samples are dropped only beyond
``capacity``); past data from the process-value history is merged in with
:meth:`LiveTrend.set_history`. A timer repaints at most ``max_fps`` times a
second and only when something changed (new samples, a moved range, a stale
flag) and the widget is visible. Plot items are created once per curve and
updated with ``setData``; each refresh clips every curve to the visible range
and decimates it to min/max per pixel column (columns aligned to a fixed time
grid so scrolling does not shimmer), no antialiasing.

Design notes (why strips, touch handling, performance): docs/charts.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import zoneinfo
from collections import deque
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QEventPoint, QFont
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from hmi.widgets.charts import BACKGROUND, INK, MUTED, TimeAxis

log = logging.getLogger(__name__)

LINE = "#1a1a1a"
LIMIT = "#6a6a6a"
STALE_LINE = "#8a8a8a"
STALE_FILL = QColor(90, 90, 90, 70)
WARN = "#f5a623"
#: Narrowest and widest time span a pinch or wheel can reach (seconds).
MIN_SPAN_S = 2.0
MAX_SPAN_S = 14 * 86400.0
#: Default width of one min/max column in pixels: 2 halves the lines drawn against 1
#: (paint 10.4 -> 6.5 ms for 4 strips, bench/trend_paint.py); spikes survive either way.
PX_PER_COLUMN = 2.0
#: The current value in a strip's name label is re-rendered at most this often (s).
LABEL_INTERVAL_S = 0.25


def _columns(ts: np.ndarray, vs: np.ndarray, w: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Column index (``floor(t / w)``), min, max and "has a NaN" per column of ``(ts, vs)``."""
    col = np.floor(ts / w)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(col)) + 1))
    nan = np.isnan(vs)
    mn = np.fmin.reduceat(vs, starts)
    mx = np.fmax.reduceat(vs, starts)
    gap = np.logical_or.reduceat(nan, starts) if nan.any() else np.zeros(len(starts), bool)
    return col[starts], mn, mx, gap


def _expand(col: np.ndarray, mn: np.ndarray, mx: np.ndarray, gap: np.ndarray,
            w: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points per column (min, max); a column with a NaN gets a NaN either side."""
    x = col * w
    out_t = np.empty(2 * len(col))
    out_v = np.empty(2 * len(col))
    out_t[0::2] = x
    out_t[1::2] = x + 0.5 * w
    out_v[0::2] = mn
    out_v[1::2] = mx
    if gap.any():
        idx = np.flatnonzero(gap)
        at = np.concatenate((2 * idx, 2 * idx + 2))
        out_t = np.insert(out_t, at, np.concatenate((x[idx], x[idx] + 0.5 * w)))
        out_v = np.insert(out_v, at, np.nan)
    return out_t, out_v


def _visible(t: np.ndarray, t0: float, t1: float) -> tuple[int, int]:
    n = len(t)
    return (max(0, int(np.searchsorted(t, t0, "left")) - 1),
            min(n, int(np.searchsorted(t, t1, "right")) + 1))


def minmax_decimate(t: np.ndarray, v: np.ndarray, t0: float, t1: float,
                    columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Clip ``(t, v)`` (sorted by ``t``) to ``[t0, t1]`` and reduce it to min/max per column.

    One sample either side of the range is kept so lines run to the edges. When the
    visible part holds no more than four points per column it comes back as it is
    (copied). Otherwise each column of width ``(t1 - t0) / columns`` (aligned to
    multiples of that width, so scrolling keeps columns stable) becomes two points,
    its minimum and its maximum, plus a NaN either side if any sample in the column
    is NaN (bad quality), so a gap always breaks the line (draw with
    ``connect="finite"``) and every spike stays visible.
    """
    if len(t) == 0 or t1 <= t0:
        return np.empty(0), np.empty(0)
    i0, i1 = _visible(t, t0, t1)
    columns = max(1, int(columns))
    if i1 - i0 <= 4 * columns:
        return t[i0:i1].copy(), v[i0:i1].copy()
    w = (t1 - t0) / columns
    return _expand(*_columns(t[i0:i1], v[i0:i1], w), w)


class ColumnCache:
    """:func:`minmax_decimate` for a curve that grows at the end and a range that scrolls.

    Columns whose samples are all in (every column before the last computed one) are
    kept; a frame only reduces the samples of the last column and the new ones. The
    cache starts over when the column width changes (zoom, resize), the buffer changed
    other than by appending (``generation``), or the range moved back before it.
    The result is identical to :func:`minmax_decimate`.
    """

    __slots__ = ("col", "first", "gap", "gen", "mn", "mx", "next_col", "w")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.w: float | None = None
        self.gen = -1
        self.col = np.empty(0)
        self.mn = np.empty(0)
        self.mx = np.empty(0)
        self.gap = np.empty(0, bool)
        self.next_col: float | None = None
        self.first: float | None = None

    def decimate(self, t: np.ndarray, v: np.ndarray, generation: int, t0: float, t1: float,
                 columns: int) -> tuple[np.ndarray, np.ndarray]:
        if len(t) == 0 or t1 <= t0:
            return np.empty(0), np.empty(0)
        i0, i1 = _visible(t, t0, t1)
        columns = max(1, int(columns))
        if i1 - i0 <= 4 * columns:
            self.reset()
            return t[i0:i1].copy(), v[i0:i1].copy()
        w = (t1 - t0) / columns
        if self.w is not None and abs(w - self.w) <= 1e-9 * self.w:
            w = self.w  # now - window_s .. now: the same width up to rounding
        first = math.floor(t[i0] / w)
        head: tuple[np.ndarray, ...] = (np.empty(0), np.empty(0), np.empty(0), np.empty(0, bool))
        if (self.w != w or self.gen != generation or self.next_col is None
                or self.first is None or first < self.first or self.next_col <= first):
            self.reset()
            self.w, self.gen = w, generation
            start = i0
        else:
            # the first visible column starts at sample i0 (partly cut off): always recomputed
            keep = self.col > first
            if not keep.all():
                self.col, self.mn = self.col[keep], self.mn[keep]
                self.mx, self.gap = self.mx[keep], self.gap[keep]
            start = self._first_index(t, i0, i1, self.next_col, w)
            j = self._first_index(t, i0, start, first + 1, w)
            if j > i0:
                head = _columns(t[i0:j], v[i0:j], w)
        if start < i1:
            col, mn, mx, gap = _columns(t[start:i1], v[start:i1], w)
        else:
            col, mn, mx, gap = np.empty(0), np.empty(0), np.empty(0), np.empty(0, bool)
        all_col = np.concatenate((head[0], self.col, col))
        all_mn = np.concatenate((head[1], self.mn, mn))
        all_mx = np.concatenate((head[2], self.mx, mx))
        all_gap = np.concatenate((head[3], self.gap, gap))
        self.first = first
        if len(col):
            # the last column may still get samples (samples only come in at the end):
            # every column before it is complete
            self.col = np.concatenate((self.col, col[:-1]))
            self.mn = np.concatenate((self.mn, mn[:-1]))
            self.mx = np.concatenate((self.mx, mx[:-1]))
            self.gap = np.concatenate((self.gap, gap[:-1]))
            self.next_col = float(col[-1])
        return _expand(all_col, all_mn, all_mx, all_gap, w)

    @staticmethod
    def _first_index(t: np.ndarray, lo: int, hi: int, column: float, w: float) -> int:
        """The first index in ``[lo, hi]`` whose sample lies in ``column`` or later."""
        i = min(hi, max(lo, int(np.searchsorted(t, column * w, "left"))))
        # exact, whatever the rounding of column * w (t / w rounds monotonically)
        while i > lo and math.floor(t[i - 1] / w) >= column:
            i -= 1
        while i < hi and math.floor(t[i] / w) < column:
            i += 1
        return i


class SampleBuffer:
    """Time-sorted samples of one curve in growing numpy arrays (amortised O(1) append)."""

    __slots__ = ("capacity", "generation", "hi", "lo", "t", "v", "version")

    def __init__(self, capacity: int) -> None:
        self.capacity = max(16, int(capacity))
        self.t = np.empty(1024)
        self.v = np.empty(1024)
        self.lo = 0
        self.hi = 0
        #: bumped on every change; ``generation`` only when samples were not just appended
        self.version = 0
        self.generation = 0

    def __len__(self) -> int:
        return self.hi - self.lo

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """The samples as array views (valid until the next change)."""
        return self.t[self.lo:self.hi], self.v[self.lo:self.hi]

    def first_t(self) -> float | None:
        return float(self.t[self.lo]) if self.hi > self.lo else None

    def _make_room(self) -> None:
        n = self.hi - self.lo
        if n + 1 > self.capacity:  # drop the oldest samples
            keep = self.capacity - 1
            self.lo = self.hi - keep
            n = keep
        size = len(self.t)
        if n + 1 > size // 2:
            size = max(size, min(2 * (n + 1), self.capacity + 1))
            size = max(size, n + 1)
        t, v = (np.empty(size), np.empty(size)) if size != len(self.t) else (self.t, self.v)
        t[:n] = self.t[self.lo:self.hi]
        v[:n] = self.v[self.lo:self.hi]
        self.t, self.v, self.lo, self.hi = t, v, 0, n

    def append(self, t: float, v: float) -> None:
        if self.hi > self.lo and t < self.t[self.hi - 1]:
            self._insert(t, v)
            return
        if self.hi >= len(self.t):
            self._make_room()
        self.t[self.hi] = t
        self.v[self.hi] = v
        self.hi += 1
        self.version += 1
        if self.hi - self.lo > self.capacity:
            self.lo = self.hi - self.capacity

    def _insert(self, t: float, v: float) -> None:
        tt, vv = self.view()
        i = int(np.searchsorted(tt, t, "right"))
        self._replace(np.insert(tt, i, t), np.insert(vv, i, v))

    def _replace(self, t: np.ndarray, v: np.ndarray) -> None:
        self.t, self.v = np.asarray(t, float).copy(), np.asarray(v, float).copy()
        self.lo, self.hi = 0, len(self.t)
        if len(self.t) > self.capacity:
            self.lo = self.hi - self.capacity
        self.version += 1
        self.generation += 1

    def merge(self, t: np.ndarray, v: np.ndarray) -> None:
        """Merge past data: buffered samples win wherever the buffer already has data."""
        t = np.asarray(t, float)
        v = np.asarray(v, float)
        if len(t) == 0:
            return
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
        bt, bv = self.view()
        if len(bt) == 0:
            self._replace(t, v)
            return
        before = t < bt[0]
        after = t > bt[-1]
        self._replace(np.concatenate((t[before], bt, t[after])),
                      np.concatenate((v[before], bv, v[after])))


class _Strip:
    """One process value: its plot, curves, limit lines, labels and stale marking."""

    def __init__(self, plot: pg.PlotItem, name: str, label: str, unit: str,
                 low: float | None, high: float | None, capacity: int) -> None:
        self.name = name
        self.label = label
        self.unit = unit
        self.low = low
        self.high = high
        self.plot = plot
        self.buffer = SampleBuffer(capacity)
        self.columns = ColumnCache()
        self.shown_version = -1
        self.stale = False
        self.stale_since: float | None = None
        self.y_range: tuple[float, float] | None = None
        # a 1 px cosmetic pen: Qt's fast line path (a 2 px pen costs 4 ms per 4,000 points)
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(LINE, width=1), connect="finite",
                                      antialias=False)
        self.curve.setSegmentedLineMode("on")  # drawLines: ~3x faster than one long path
        self.stale_curve = pg.PlotCurveItem(
            pen=pg.mkPen(STALE_LINE, width=2, style=Qt.PenStyle.DashLine),
            connect="finite", antialias=False)
        plot.addItem(self.curve)
        plot.addItem(self.stale_curve)
        self.limit_lines: list[pg.InfiniteLine] = []
        for value, tag in ((high, "H"), (low, "L")):
            if value is None:
                continue
            line = pg.InfiniteLine(pos=value, angle=0, movable=False,
                                   pen=pg.mkPen(LIMIT, width=1, style=Qt.PenStyle.DashLine),
                                   label=f"{tag} {value:g}",
                                   labelOpts={"position": 0.995, "color": MUTED,
                                              "anchors": [(1, 1), (1, 1)]})
            plot.addItem(line)
            self.limit_lines.append(line)
        self.stale_region = pg.LinearRegionItem(
            values=(0, 1), movable=False, brush=QBrush(STALE_FILL, Qt.BrushStyle.BDiagPattern),
            pen=pg.mkPen(STALE_LINE, width=2, style=Qt.PenStyle.DashLine))
        self.stale_region.setZValue(-10)
        self.stale_region.hide()
        plot.addItem(self.stale_region, ignoreBounds=True)
        font = QFont()
        font.setPixelSize(18)
        font.setBold(True)
        self.name_item = pg.TextItem("", color=INK, fill=pg.mkBrush(230, 230, 230, 220),
                                     anchor=(0, 0))
        self.name_item.setFont(font)
        self.name_item.setParentItem(plot.vb)
        self.name_item.setPos(4, 2)
        self.stale_item = pg.TextItem("", color=INK, fill=pg.mkBrush("#c8c8c8"),
                                      border=pg.mkPen(INK, width=2, style=Qt.PenStyle.DashLine),
                                      anchor=(0, 0))
        self.stale_item.setFont(font)
        self.stale_item.setParentItem(plot.vb)
        self.stale_item.setPos(4, 34)
        self.stale_item.hide()
        self._name_text = ""
        self._name_warn = False
        self.label_at = -1e9

    def title(self) -> str:
        return f"{self.label} [{self.unit}]" if self.unit else self.label

    def last_value(self) -> float | None:
        t, v = self.buffer.view()
        tail = v[-64:]
        finite = np.flatnonzero(np.isfinite(tail))
        if len(finite):
            return float(tail[finite[-1]])
        if len(v) > 64:
            finite = np.flatnonzero(np.isfinite(v))
            return float(v[finite[-1]]) if len(finite) else None
        return None

    def set_name_text(self, text: str, warn: bool) -> None:
        if text != self._name_text:
            self._name_text = text
            self.name_item.setText(text)
        if warn != self._name_warn:
            self._name_warn = warn
            self.name_item.fill = pg.mkBrush(WARN if warn else QColor(230, 230, 230, 220))
            self.name_item.update()


class _TrendView(pg.GraphicsLayoutWidget):
    """The graphics view: counts completed paints and hands touch events to the trend."""

    def __init__(self, owner: LiveTrend) -> None:
        super().__init__(owner)
        self._owner = owner
        self.paints = 0
        self.paint_ms: deque[float] = deque(maxlen=4096)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt override
        t0 = time.perf_counter()
        super().paintEvent(ev)
        self.paint_ms.append((time.perf_counter() - t0) * 1000.0)
        self.paints += 1

    def viewportEvent(self, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = ev.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            self._owner._on_touch(ev)
            ev.accept()
            return True
        return super().viewportEvent(ev)


class LiveTrend(QWidget):
    """Process values over time, one strip per value, with touch pan/pinch and return-to-live.

    ``add_sample(name, t_epoch_s, value)``: a NaN value means bad quality (a gap).
    In live mode the right edge is "now" (from ``clock``) and the range is ``window_s``
    wide. Any pan or zoom leaves live mode and shows a big "Back to live" button.
    """

    #: The visible range reaches before the buffered data: load ``[t0, t1)`` from history.
    sig_range_requested = Signal(float, float)
    #: Live mode switched on (True) or off (False).
    sig_live_changed = Signal(bool)

    def __init__(self, window_s: float = 300.0, max_fps: int = 10, capacity: int = 500_000,
                 parent: QWidget | None = None, *, clock: Callable[[], float] = time.time,
                 tz: str | None = None, px_per_column: float = PX_PER_COLUMN) -> None:
        super().__init__(parent)
        self.setObjectName("liveTrend")
        self.px_per_column = max(1.0, float(px_per_column))
        self.window_s = float(window_s)
        self._capacity = capacity
        self._clock = clock
        self._tz = zoneinfo.ZoneInfo(tz) if tz else None
        self._strips: dict[str, _Strip] = {}
        self._order: list[str] = []
        self._live = True
        self._range = (self._clock() - self.window_s, self._clock())
        self._shown_range: tuple[float, float] | None = None
        self._shown_width = 0
        self._force = True
        self._covered_from = self._clock()
        self._pending_t0: float | None = None
        self._touch: dict[int, QPointF] = {}

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.view = _TrendView(self)
        self.view.setBackground(BACKGROUND)
        self.view.ci.setSpacing(8)
        self.view.ci.setContentsMargins(4, 4, 12, 4)
        lay.addWidget(self.view)

        self.back_button = QPushButton(self.tr("Back to live"), self)
        self.back_button.setObjectName("backToLive")
        self.back_button.setProperty("primary", True)
        self.back_button.setMinimumSize(220, 80)
        self.back_button.clicked.connect(self.return_to_live)
        self.back_button.hide()

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._refresh)
        self._timer.start(max(1, int(1000 / max(1, max_fps))))

    # ---- public API ---------------------------------------------------------------------
    @property
    def paints(self) -> int:
        """Completed paints of the plot viewport (for tests and the benchmark)."""
        return self.view.paints

    @property
    def is_live(self) -> bool:
        return self._live

    def curve_names(self) -> list[str]:
        return list(self._order)

    def add_curve(self, name: str, label: str, unit: str = "", low: float | None = None,
                  high: float | None = None) -> None:
        """Add a strip for ``name`` below the others (same time axis, its own value scale)."""
        if name in self._strips:
            raise ValueError(f"curve {name!r} already exists")
        row = len(self._order)
        axis = TimeAxis(tz=self._tz.key if self._tz else None)
        plot = self.view.addPlot(row=row, col=0, axisItems={"bottom": axis})
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.disableAutoRange()
        plot.setMouseEnabled(x=True, y=False)
        plot.showGrid(x=True, y=False, alpha=0.18)
        left = plot.getAxis("left")
        left.setWidth(72)
        left.enableAutoSIPrefix(False)
        font = QFont()
        font.setPixelSize(16)
        for side in ("left", "bottom"):
            ax = plot.getAxis(side)
            ax.setPen(MUTED)
            ax.setTextPen(INK)
            ax.setStyle(tickFont=font)
        plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        if self._order:
            first = self._strips[self._order[0]].plot
            plot.setXLink(first)
            # only the bottom strip labels the time; the others keep the grid lines
            above = self._strips[self._order[-1]].plot.getAxis("bottom")
            above.setStyle(showValues=False, tickLength=0)
            above.setHeight(4)
        plot.setXRange(*self._range, padding=0)
        strip = _Strip(plot, name, label, unit, low, high, self._capacity)
        strip.set_name_text(strip.title(), False)
        self._strips[name] = strip
        self._order.append(name)
        self._force = True

    def add_sample(self, name: str, t_epoch_s: float, value: float) -> None:
        """Record one sample (every sample is kept; NaN = bad quality, drawn as a gap)."""
        strip = self._strips.get(name)
        if strip is None:
            return
        strip.buffer.append(float(t_epoch_s), float(value))
        if t_epoch_s < self._covered_from:
            self._covered_from = float(t_epoch_s)

    def set_history(self, name: str, t: np.ndarray, v: np.ndarray, *,
                    covered_from: float | None = None) -> None:
        """Merge past samples of ``name`` (e.g. ``ProcessHistory.query`` ``t`` and ``gapped()``).

        Buffered samples win where both exist. ``covered_from``: the start of the range
        that was loaded, so an empty answer still counts as loaded.
        """
        strip = self._strips.get(name)
        if strip is None:
            return
        strip.buffer.merge(t, v)
        lows = [x for x in (covered_from, strip.buffer.first_t()) if x is not None]
        if lows and min(lows) < self._covered_from:
            self._covered_from = min(lows)
        if self._pending_t0 is not None and self._covered_from <= self._pending_t0 + 1e-6:
            self._pending_t0 = None
        self._force = True

    def set_stale(self, name: str, stale: bool, since_epoch: float | None = None) -> None:
        """Mark ``name`` stale (grey dashed from ``since_epoch`` on, with a label) or current."""
        strip = self._strips.get(name)
        if strip is None:
            return
        if stale:
            if since_epoch is None:
                t, _ = strip.buffer.view()
                since_epoch = float(t[-1]) if len(t) else self._clock()
            strip.stale, strip.stale_since = True, float(since_epoch)
            stamp = self._local(since_epoch).strftime("%H:%M:%S")
            strip.stale_item.setText(self.tr("STALE since %1 - no data").replace("%1", stamp))
            strip.stale_item.show()
            strip.stale_region.setRegion((since_epoch, since_epoch + MAX_SPAN_S * 10))
            strip.stale_region.show()
        else:
            strip.stale, strip.stale_since = False, None
            strip.stale_item.hide()
            strip.stale_region.hide()
            strip.stale_curve.setData([], [])
        self._force = True

    def is_stale(self, name: str) -> bool:
        return self._strips[name].stale

    def stale_text(self, name: str) -> str:
        """The stale label of ``name`` as shown ("" when current)."""
        s = self._strips[name]
        return s.stale_item.textItem.toPlainText() if s.stale else ""

    def visible_range(self) -> tuple[float, float]:
        """The time range on screen, epoch seconds."""
        if self._order:
            x0, x1 = self._strips[self._order[0]].plot.vb.viewRange()[0]
            return float(x0), float(x1)
        return self._range

    def set_visible_range(self, t0: float, t1: float) -> None:
        """Show ``[t0, t1]`` (leaves live mode)."""
        self._set_live(False)
        self._apply_range(t0, t1)
        self._refresh(force=True)

    def refresh(self) -> None:
        """Draw now (normally the timer does this at most ``max_fps`` times a second)."""
        self._refresh(force=True)

    def return_to_live(self) -> None:
        self._set_live(True)
        now = self._clock()
        self._apply_range(now - self.window_s, now)
        self._refresh(force=True)

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What the strip of ``name`` currently draws (current part; decimated, clipped)."""
        x, y = self._strips[name].curve.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)

    def stale_curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._strips[name].stale_curve.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)

    def buffered(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Copies of every buffered sample of ``name``."""
        t, v = self._strips[name].buffer.view()
        return t.copy(), v.copy()

    def paint_durations_ms(self) -> list[float]:
        return list(self.view.paint_ms)

    # ---- internals ------------------------------------------------------------------------
    def _local(self, epoch: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(epoch, self._tz) if self._tz else \
            dt.datetime.fromtimestamp(epoch)

    def _set_live(self, live: bool) -> None:
        if live == self._live:
            return
        self._live = live
        self.back_button.setVisible(not live)
        if not live:
            self.back_button.raise_()
        self.sig_live_changed.emit(live)

    def _apply_range(self, t0: float, t1: float) -> None:
        span = min(MAX_SPAN_S, max(MIN_SPAN_S, t1 - t0))
        mid = 0.5 * (t0 + t1)
        t0, t1 = mid - span / 2, mid + span / 2
        self._range = (t0, t1)
        if self._order:
            self._strips[self._order[0]].plot.setXRange(t0, t1, padding=0)
        self._check_history(t0)

    def _check_history(self, t0: float) -> None:
        if t0 >= self._covered_from - 1e-6:
            return
        if self._pending_t0 is not None and t0 >= self._pending_t0:
            return
        span = self._range[1] - self._range[0]
        start = t0 - 0.5 * span
        self._pending_t0 = start
        log.debug("trend asks for history %.1f..%.1f", start, self._covered_from)
        self.sig_range_requested.emit(start, self._covered_from)

    def _on_manual_range(self, *_args: object) -> None:
        self._set_live(False)
        t0, t1 = self.visible_range()
        self._range = (t0, t1)
        self._check_history(t0)

    def _viewbox_x(self, pos: QPointF) -> float:
        vb = self._strips[self._order[0]].plot.vb
        scene = self.view.mapToScene(pos.toPoint())
        return vb.mapFromScene(scene).x()

    def _on_touch(self, ev: QEvent) -> None:
        if not self._order:
            return
        kind = ev.type()
        points = {p.id(): QPointF(p.position()) for p in ev.points()
                  if p.state() != QEventPoint.State.Released}
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._touch = points if kind == QEvent.Type.TouchBegin else {}
            return
        prev = self._touch
        common = [i for i in points if i in prev]
        if common:
            vb = self._strips[self._order[0]].plot.vb
            width = max(1.0, vb.width())
            t0, t1 = self.visible_range()
            k = (t1 - t0) / width
            if len(common) >= 2:
                a, b = common[0], common[1]
                pa, pb = self._viewbox_x(prev[a]), self._viewbox_x(prev[b])
                na, nb = self._viewbox_x(points[a]), self._viewbox_x(points[b])
                if abs(nb - na) >= 20 and abs(pb - pa) >= 20:
                    ta = t0 + pa * k
                    tb = t0 + pb * k
                    k2 = (tb - ta) / (nb - na)
                    if k2 > 0:
                        new0 = ta - na * k2
                        self._set_live(False)
                        self._apply_range(new0, new0 + k2 * width)
            else:
                a = common[0]
                dx = self._viewbox_x(points[a]) - self._viewbox_x(prev[a])
                if dx:
                    self._set_live(False)
                    self._apply_range(t0 - dx * k, t1 - dx * k)
        # a finger that just landed starts tracking; the rest keep their last position
        self._touch = points

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(ev)
        b = self.back_button
        b.adjustSize()
        b.resize(max(240, b.sizeHint().width()), max(80, b.sizeHint().height()))
        b.move(self.width() - b.width() - 16, 12)
        self._force = True

    def _refresh(self, force: bool = False) -> None:
        if not self._order or not self.isVisible():
            return
        force = force or self._force
        vb = self._strips[self._order[0]].plot.vb
        columns = max(50, int(vb.width() / self.px_per_column))
        if self._live:
            now = self._clock()
            t0, t1 = now - self.window_s, now
            shown = self._shown_range
            moved = shown is None or abs(t1 - shown[1]) * columns >= 0.5 * (t1 - t0)
            if moved or force:
                self._range = (t0, t1)
                vb.setXRange(t0, t1, padding=0)
                self._check_history(t0)
            else:  # less than half a pixel of scrolling: keep the columns where they are
                t0, t1 = shown
        else:
            t0, t1 = self.visible_range()
            moved = self._shown_range != (t0, t1)
        if columns != self._shown_width:
            moved = True
        changed = [s for s in self._strips.values() if s.buffer.version != s.shown_version]
        if not (moved or force or changed):
            return
        self._force = False
        self._shown_range = (t0, t1)
        self._shown_width = columns
        targets = self._strips.values() if (moved or force) else changed
        for strip in targets:
            self._draw_strip(strip, t0, t1, columns)

    def _draw_strip(self, s: _Strip, t0: float, t1: float, columns: int) -> None:
        s.shown_version = s.buffer.version
        t, v = s.buffer.view()
        if s.stale and s.stale_since is not None:
            k = int(np.searchsorted(t, s.stale_since, "left"))
            x, y = minmax_decimate(t[:k], v[:k], t0, t1, columns)
            sx, sy = minmax_decimate(t[k:], v[k:], t0, t1, columns)
            last = s.last_value()
            if last is not None:
                start_t = float(t[k - 1]) if k else s.stale_since
                start_v = float(v[k - 1]) if k and math.isfinite(v[k - 1]) else last
                sx = np.concatenate(([start_t], sx, [max(self._clock(), start_t)]))
                tail = float(sy[-1]) if len(sy) and math.isfinite(sy[-1]) else last
                sy = np.concatenate(([start_v], sy, [tail]))
            s.stale_curve.setData(sx, sy)
            ys = [y, sy]
        else:
            x, y = s.columns.decimate(t, v, s.buffer.generation, t0, t1, columns)
            ys = [y]
        s.curve.setData(x, y)
        wall = time.monotonic()
        if wall - s.label_at < LABEL_INTERVAL_S and not s.stale:
            self._fit_y(s, ys)
            return
        s.label_at = wall
        last = s.last_value()
        text = s.title()
        warn = False
        if last is not None:
            text = f"{text}   {_fmt(last)}"
            warn = (s.high is not None and last > s.high) or (s.low is not None and last < s.low)
        s.set_name_text(text, warn and not s.stale)
        self._fit_y(s, ys)

    def _fit_y(self, s: _Strip, ys: list[np.ndarray]) -> None:
        finite = [a[np.isfinite(a)] for a in ys if len(a)]
        finite = [a for a in finite if len(a)]
        lims = [x for x in (s.low, s.high) if x is not None]
        if not finite and not lims:
            return
        lo = min([float(a.min()) for a in finite] + lims)
        hi = max([float(a.max()) for a in finite] + lims)
        span = hi - lo
        if span <= 0:
            span = max(1.0, abs(hi) * 0.1)
        # room on top for the name / stale labels
        want = (lo - 0.08 * span, hi + 0.45 * span)
        cur = s.y_range
        if cur is not None:
            cspan = cur[1] - cur[0]
            inside = cur[0] <= lo and hi <= cur[1] - 0.25 * cspan
            if inside and span >= 0.35 * cspan:
                return
        s.y_range = want
        s.plot.setYRange(*want, padding=0)


def _fmt(value: float) -> str:
    a = abs(value)
    if a >= 1000:
        return f"{value:.0f}"
    if a >= 100:
        return f"{value:.1f}"
    return f"{value:.2f}"

"""Production charts: data in, pictures out, items updated in place."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from hmi.widgets import charts
from hmi.widgets.bignumber import BigNumber
from hmi.widgets.charts import (
    CycleTimeChart,
    LossWaterfall,
    ParetoChart,
    StateTimeline,
    TimeAxis,
    fmt_hm,
)

SHIFT = 1_780_034_400.0  # 2026-05-29 06:00 UTC = 08:00 Europe/Berlin


def show(qtbot, w, width=900, height=400):
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


def count_colour(img, colour: str, tol: int = 12) -> int:
    """Pixels of ``colour`` in a sparse grid over the picture."""
    c = QColor(colour)
    n = 0
    for x in range(0, img.width(), 3):
        for y in range(0, img.height(), 3):
            p = img.pixelColor(x, y)
            if abs(p.red() - c.red()) + abs(p.green() - c.green()) + abs(p.blue() - c.blue()) < tol:
                n += 1
    return n


def test_cycle_chart_marks_ideal_and_slow_cycles(qtbot):
    w = show(qtbot, CycleTimeChart(tz="UTC"))
    bars = w.bars
    w.set_ideal(10.0)
    w.set_cycles(SHIFT + np.arange(6) * 11, [9.8, 10.1, 10.0, 12.5, 9.9, 10.3])
    assert list(w.slow_mask()) == [False, False, False, True, False, False]
    assert w.ideal_line.isVisible() and w.ideal_line.value() == 10.0
    assert w.ideal_line.label.textItem.toPlainText() == "ideal 10 s"
    img = w.grab().toImage()
    assert count_colour(img, charts.WARNING) > 20  # the slow cycle stands out
    assert count_colour(img, charts.BAR) > 100
    w.set_cycles(SHIFT + np.arange(3) * 11, [10.0, 10.0, 10.0])
    assert w.bars is bars and not w.slow_mask().any()
    assert count_colour(w.grab().toImage(), charts.WARNING) == 0
    with pytest.raises(ValueError):
        w.set_cycles([1, 2], [1])


@pytest.mark.parametrize(("width", "n"), [(380, 100), (430, 120), (900, 150)])
def test_cycle_chart_time_labels_never_touch(qtbot, width, n):
    """A hundred cycles in the live screen's narrow chart: the HH:MM:SS labels stand apart
    (they ran into each other at a fixed tick spacing)."""
    from PySide6.QtGui import QFontMetrics

    w = show(qtbot, CycleTimeChart(tz="UTC"), width, 300)
    w.set_cycles(SHIFT + np.arange(n) * 2, np.full(n, 2.0))
    qtbot.wait(20)
    plot = w.getPlotItem()
    ax, vb = plot.getAxis("bottom"), plot.getViewBox()
    lo, hi = vb.viewRange()[0]
    major = sorted(v for v in ax.tickValues(lo, hi, vb.width())[0][1] if lo <= v <= hi)
    labels = [t for t in ax.tickStrings(major, 1, 1) if t]
    assert len(labels) >= 3  # still says when
    px_per_bar = vb.width() / (hi - lo)
    widest = max(QFontMetrics(ax.style["tickFont"]).horizontalAdvance(t) for t in labels)
    assert min(np.diff(major)) * px_per_bar > widest


def test_state_timeline_colours_spans_by_group(qtbot):
    w = show(qtbot, StateTimeline(tz="Europe/Berlin"), 1100, 200)
    items = dict(w.bands)
    h = 3600.0
    spans = [(SHIFT, SHIFT + h, "running"), (SHIFT + h, SHIFT + 1.5 * h, "faulted"),
             (SHIFT + 1.5 * h, SHIFT + 2 * h, "starved"), (SHIFT + 2 * h, SHIFT + 2.5 * h, "break"),
             (SHIFT + 2.5 * h, SHIFT + 3 * h, "changeover"), (SHIFT + 3 * h, SHIFT + 4 * h, "???")]
    w.set_range(SHIFT, SHIFT + 8 * h)
    w.set_now(SHIFT + 4 * h)
    w.set_spans(spans)
    per = w.seconds_per_group()
    assert per == {"run": h, "down": h / 2, "idle": h / 2, "planned": h / 2,
                   "changeover": h / 2, "unknown": h}
    img = w.plot_widget.grab().toImage()  # the band only, not the legend swatches
    assert count_colour(img, charts.ALARM) > 50
    assert count_colour(img, charts.PLANNED) > 50
    # shift start in the plant's zone
    axis = w.plot_widget.getPlotItem().getAxis("bottom")
    assert axis.tickStrings([SHIFT], 1, 3600) == ["08:00"]
    w.set_spans(spans[:1])
    assert w.bands == items  # same items, new data
    assert count_colour(w.plot_widget.grab().toImage(), charts.ALARM) == 0


def test_time_axis_is_dst_correct():
    axis = TimeAxis("Europe/Berlin")
    # 2026-03-29: clocks jump from 02:00 to 03:00 local (01:00 UTC)
    t = 1_774_746_000.0  # 2026-03-29 01:00 UTC
    assert axis.tickStrings([t - 3600, t], 1, 3600) == ["01:00", "03:00"]
    ticks = axis.tickValues(t - 4 * 3600, t + 4 * 3600, 800)[0][1]
    assert all(abs(x - round(x / 3600) * 3600) < 1 for x in ticks)


def test_pareto_sorts_descending_and_accumulates_to_100(qtbot):
    w = show(qtbot, ParetoChart(max_bars=5), 1100, 480)
    bars = w.bars
    rows = [("Electrical", 2, 600.0), ("Hydraulic leak at the main press cylinder", 5, 5400.0),
            ("Material starved", 9, 1800.0), ("Part jammed", 1, 60.0), ("Safety stop", 0, 0.0)]
    w.set_rows(rows)
    assert w.mode == "duration"
    assert [r[0] for r in w.sorted_rows()] == [
        "Hydraulic leak at the main press cylinder", "Material starved", "Electrical",
        "Part jammed"]
    cum = w.cumulative_percent()
    assert cum[-1] == pytest.approx(100.0) and np.all(np.diff(cum) >= 0)
    assert w.values.texts() == ["1:30", "0:30", "0:10", "0:01"]
    with qtbot.waitSignal(w.sig_mode_changed):
        qtbot.mouseClick(w.mode_button, charts.Qt.MouseButton.LeftButton)
    assert w.mode == "count"
    assert [r[0] for r in w.sorted_rows()][:2] == ["Material starved",
                                                    "Hydraulic leak at the main press cylinder"]
    assert w.values.texts() == ["9", "5", "2", "1"]
    assert w.bars is bars
    # long names are wrapped / shortened to the bar width
    label = w.axis.tickStrings([1.0], 1, 1)[0]
    assert label != rows[1][0] and label.startswith("Hydraulic")
    assert count_colour(w.grab().toImage(), charts.BAR) > 100


def test_pareto_folds_the_tail_into_other(qtbot):
    w = show(qtbot, ParetoChart(max_bars=3))
    w.set_rows([(f"R{i}", i, i * 60.0) for i in range(1, 8)])
    rows = w.sorted_rows()
    assert [r[0] for r in rows] == ["R7", "R6", "Other"] and rows[2][1] == sum(range(1, 6)) * 60.0


def test_waterfall_steps_add_up(qtbot):
    w = show(qtbot, LossWaterfall(), 1100, 480)
    bars = w.bars
    steps = [("All time", 8 * 3600), ("Planned stops", 1800, "planned"),
             ("Planned production", 8 * 3600 - 1800), ("Breakdowns", 2400), ("Setup", 600),
             ("Run time", 8 * 3600 - 4800), ("Slow cycles", 1200), ("Small stops", 300),
             ("Net run time", 8 * 3600 - 6300), ("Scrap", 900), ("Fully productive", 8 * 3600 - 7200)]
    w.set_steps(steps)
    kinds = [s[2] for s in w.steps]
    assert kinds == ["total", "planned", "total", "loss", "loss", "total", "loss", "loss", "total",
                     "loss", "total"]
    assert w.mismatch_s == 0 and not w.warning.isVisible()
    # each loss hangs from the level above it
    assert w.steps[3][3:] == (8 * 3600 - 1800 - 2400, 8 * 3600 - 1800)
    assert w.steps[-1][3:] == (0.0, 8 * 3600 - 7200)
    assert w.values.texts()[:3] == ["8:00", "-0:30", "7:30"]
    assert count_colour(w.grab().toImage(), charts.WARNING) > 50
    w.set_steps([("All time", 3600), ("Breakdowns", 600), ("Fully productive", 2400)])
    assert w.bars is bars
    assert w.mismatch_s == 600 and w.warning.isVisible()
    assert "0:10" in w.warning.textItem.toPlainText()
    # a gain (negative loss, e.g. faster than the ideal cycle) rises from the level
    w.set_steps([("Run time", 3600), ("Speed gain", -300), ("Net run time", 3900)])
    assert w.mismatch_s == 0 and w.steps[1][3:] == (3600, 3900)
    assert w.values.texts() == ["1:00", "+0:05", "1:05"]


def test_fmt_hm():
    assert [fmt_hm(s) for s in (0, 59, 61, 3599, 3600, 27000, -90)] == [
        "0:00", "0:01", "0:01", "1:00", "1:00", "7:30", "-0:02"]


def test_big_number_is_huge_and_says_unknown(qtbot):
    b = show(qtbot, BigNumber("OEE", "%"), 360, 240)
    assert b.value.text() == "\u2014"
    b.set_value(78.44, severity="normal")
    assert b.value.text() == "78.4"
    b.ensurePolished()
    b.value.ensurePolished()
    assert b.value.font().pixelSize() >= 72
    b.set_value(41.0, severity="alarm", decimals=0)
    assert b.value.text() == "41" and b.severity == "alarm"
    assert count_colour(b.grab().toImage(), charts.ALARM) > 100
    b.set_value(None, note="no production planned")
    assert b.value.text() == "\u2014" and b.severity == "normal"
    with pytest.raises(ValueError):
        b.set_value(1.0, severity="purple")

"""The live trend: samples drawn, touch pan/pinch, back to live, history, stale, gaps.

Real widgets and real events: touch gestures are QTouchEvents sent through
QTest with a touch-screen device; the clock is injected.
"""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from hmi.widgets.trend import ColumnCache, LiveTrend, SampleBuffer, minmax_decimate

T0 = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture(scope="module")
def touch_device():
    return QTest.createTouchDevice()


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def trend(qtbot, clock):
    w = LiveTrend(window_s=300, max_fps=30, clock=clock, tz="UTC")
    qtbot.addWidget(w)
    w.add_curve("temperature", "Temperature", unit="°C", low=20, high=80)
    w.add_curve("pressure", "Pressure", unit="bar")
    w.resize(1100, 500)
    w.show()
    qtbot.waitExposed(w)
    return w


def feed(trend, name, t_start, t_end, hz=10.0, f=lambda t: 50 + 10 * math.sin(t / 20)):
    for t in np.arange(t_start, t_end, 1.0 / hz):
        trend.add_sample(name, float(t), f(float(t)))


def viewport_point(trend, frac_x, frac_y=0.3) -> QPoint:
    vp = trend.view.viewport()
    return QPoint(int(vp.width() * frac_x), int(vp.height() * frac_y))


def drag(trend, device, x0, x1, steps=5):
    vp = trend.view.viewport()
    y = vp.height() // 3
    QTest.touchEvent(vp, device).press(0, QPoint(x0, y), vp).commit()
    for i in range(1, steps + 1):
        x = int(x0 + (x1 - x0) * i / steps)
        QTest.touchEvent(vp, device).move(0, QPoint(x, y), vp).commit()
    QTest.touchEvent(vp, device).release(0, QPoint(x1, y), vp).commit()


def pinch(trend, device, a0, b0, a1, b1, steps=4):
    vp = trend.view.viewport()
    y = vp.height() // 3
    QTest.touchEvent(vp, device).press(0, QPoint(a0, y), vp).press(1, QPoint(b0, y), vp).commit()
    for i in range(1, steps + 1):
        a = int(a0 + (a1 - a0) * i / steps)
        b = int(b0 + (b1 - b0) * i / steps)
        QTest.touchEvent(vp, device).move(0, QPoint(a, y), vp).move(1, QPoint(b, y), vp).commit()
    QTest.touchEvent(vp, device).release(0, QPoint(a1, y), vp).release(1, QPoint(b1, y), vp).commit()


def px_per_second(trend):
    t0, t1 = trend.visible_range()
    vb = trend._strips["temperature"].plot.vb
    return vb.width() / (t1 - t0)


def test_samples_appear_and_live_mode_scrolls(qtbot, trend, clock):
    feed(trend, "temperature", T0 - 60, T0)
    feed(trend, "pressure", T0 - 60, T0, f=lambda t: 3.0)
    before = trend.paints
    qtbot.waitUntil(lambda: len(trend.curve_data("temperature")[0]) > 0, timeout=2000)
    qtbot.waitUntil(lambda: trend.paints > before, timeout=2000)
    x, y = trend.curve_data("temperature")
    assert x.min() <= T0 - 59.9 and x.max() >= T0 - 0.2
    assert 39.9 < np.nanmin(y) and np.nanmax(y) < 60.1
    assert trend.is_live and trend.visible_range() == pytest.approx((T0 - 300, T0))
    assert "Temperature [°C]" in trend._strips["temperature"].name_item.textItem.toPlainText()
    clock.t += 30  # time passes: the right edge follows now
    feed(trend, "temperature", T0, T0 + 30)
    qtbot.waitUntil(lambda: trend.visible_range()[1] == pytest.approx(T0 + 30), timeout=2000)
    assert not trend.back_button.isVisible()


def test_touch_drag_pans_back_in_time_and_back_to_live_returns(qtbot, trend, touch_device, clock):
    feed(trend, "temperature", T0 - 300, T0)
    trend.refresh()
    k = px_per_second(trend)
    t0, t1 = trend.visible_range()
    vp = trend.view.viewport()
    drag(trend, touch_device, vp.width() // 3, vp.width() // 3 + 300)  # finger moves right
    n0, n1 = trend.visible_range()
    assert not trend.is_live
    assert n1 - n0 == pytest.approx(t1 - t0, rel=1e-6)  # a pan keeps the span
    assert t0 - n0 == pytest.approx(300 / k, rel=0.05)  # and shows the past
    assert trend.back_button.isVisible() and trend.back_button.height() >= 80
    # live data keeps arriving but the operator's view stays put
    clock.t += 20
    feed(trend, "temperature", T0, T0 + 20)
    trend.refresh()
    assert trend.visible_range() == pytest.approx((n0, n1))
    qtbot.mouseClick(trend.back_button, Qt.MouseButton.LeftButton)
    assert trend.is_live and not trend.back_button.isVisible()
    assert trend.visible_range() == pytest.approx((T0 + 20 - 300, T0 + 20))


def test_drag_left_shows_later_times(trend, touch_device):
    trend.set_visible_range(T0 - 1000, T0 - 700)
    drag(trend, touch_device, 700, 500)
    n0, _ = trend.visible_range()
    assert n0 > T0 - 1000


def test_pinch_zooms_time_in_and_out(trend, touch_device):
    feed(trend, "temperature", T0 - 300, T0)
    trend.refresh()
    t0, t1 = trend.visible_range()
    vp = trend.view.viewport()
    mid = vp.width() // 2
    pinch(trend, touch_device, mid - 100, mid + 100, mid - 200, mid + 200)  # spread: zoom in
    z0, z1 = trend.visible_range()
    assert not trend.is_live
    assert (z1 - z0) == pytest.approx((t1 - t0) / 2, rel=0.05)
    assert t0 < z0 < z1 < t1  # narrowed around the fingers
    pinch(trend, touch_device, mid - 200, mid + 200, mid - 50, mid + 50)  # squeeze: zoom out
    w0, w1 = trend.visible_range()
    assert (w1 - w0) == pytest.approx((z1 - z0) * 4, rel=0.05)


def test_mouse_wheel_zoom_also_leaves_live(qtbot, trend):
    trend.refresh()
    span = trend.visible_range()[1] - trend.visible_range()[0]
    vp = trend.view.viewport()
    pos = QPointF(vp.width() / 2, vp.height() / 3)
    ev = QWheelEvent(pos, vp.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)
    assert not trend.is_live
    assert trend.visible_range()[1] - trend.visible_range()[0] < span


def test_history_is_requested_when_panning_past_the_buffer_and_merged(qtbot, trend, touch_device):
    feed(trend, "temperature", T0 - 120, T0)
    trend.refresh()
    requests = []
    trend.sig_range_requested.connect(lambda a, b: requests.append((a, b)))
    # the trend was created at T0: the 300 s window already reaches before it
    trend.set_history("temperature", np.array([]), np.array([]), covered_from=T0 - 300)
    trend.refresh()
    assert requests == []
    drag(trend, touch_device, 200, 900)
    assert requests, "panning before the loaded data must ask for history"
    a, b = requests[-1]
    assert b == pytest.approx(T0 - 300) and a < trend.visible_range()[0]
    n = len(requests)
    trend.refresh()
    assert len(requests) == n  # asked once, not on every frame
    # the view answers with data from the process-value history
    ht = np.arange(a, T0 - 120, 1.0)
    hv = np.full(len(ht), 42.0)
    hv[5] = np.nan
    trend.set_history("temperature", ht, hv, covered_from=a)
    t, v = trend.buffered("temperature")
    assert t[0] == pytest.approx(a) and np.all(np.diff(t) >= 0)
    assert np.count_nonzero(v == 42.0) == len(ht) - 1  # live samples untouched
    assert len(t) == len(ht) + 1200
    trend.refresh()
    x, y = trend.curve_data("temperature")
    v0, v1 = trend.visible_range()
    assert np.any((x >= v0) & (x <= v1) & (y == 42.0))


def test_history_does_not_overwrite_live_samples():
    b = SampleBuffer(1000)
    for i in range(10):
        b.append(100.0 + i, 1.0)
    b.merge(np.arange(90.0, 115.0), np.full(25, 7.0))
    t, v = b.view()
    assert list(t) == list(np.arange(90.0, 115.0))
    assert np.all(v[(t >= 100) & (t <= 109)] == 1.0)
    assert np.all(v[(t < 100) | (t > 109)] == 7.0)


def test_buffer_keeps_every_sample_up_to_capacity_then_drops_oldest():
    b = SampleBuffer(5000)
    for i in range(12000):
        b.append(float(i), float(i))
    t, v = b.view()
    assert len(t) == 5000 and t[0] == 7000 and t[-1] == 11999 and np.all(np.diff(t) == 1)
    b.append(7500.5, -1.0)  # late sample goes to its place
    t, v = b.view()
    assert np.all(np.diff(t) >= 0) and -1.0 in v


def test_stale_curve_is_grey_dashed_with_a_label(qtbot, trend, clock):
    feed(trend, "temperature", T0 - 100, T0 - 40)
    clock.t = T0
    trend.set_stale("temperature", True, T0 - 40)
    trend.refresh()
    assert trend.is_stale("temperature")
    s = trend._strips["temperature"]
    assert s.stale_item.isVisible() and s.stale_region.isVisible()
    assert trend.stale_text("temperature") == "STALE since 20:26:00 - no data"
    x, _ = trend.curve_data("temperature")
    assert x.max() < T0 - 40  # the current-style line stops where data stopped
    sx, sy = trend.stale_curve_data("temperature")
    assert sx[-1] == pytest.approx(T0) and sy[-1] == pytest.approx(sy[0])  # held value to now
    pen = s.stale_curve.opts["pen"]
    assert pen.style() == Qt.PenStyle.DashLine and pen.color().name() == "#8a8a8a"
    assert trend.stale_text("pressure") == ""
    trend.set_stale("temperature", False)
    trend.refresh()
    assert not s.stale_item.isVisible() and trend.stale_text("temperature") == ""


def _line_pixels(img, x, y0, y1):
    return sum(1 for y in range(y0, y1) if img.pixelColor(x, y).lightness() < 80)


def test_nan_breaks_the_line(qtbot, trend):
    feed(trend, "pressure", T0 - 300, T0,
         f=lambda t: float("nan") if T0 - 200 <= t < T0 - 100 else 5.0)
    trend.refresh()
    _, y = trend.curve_data("pressure")
    assert np.isnan(y).any()
    # look at the picture: a flat line left and right, nothing in the gap
    qtbot.wait(50)
    img = trend.view.grab().toImage()
    vb = trend._strips["pressure"].plot.vb

    def to_px(t):
        scene = vb.mapViewToScene(QPointF(t, 5.0))
        return trend.view.mapFromScene(scene)

    left, gap, right = to_px(T0 - 250), to_px(T0 - 150), to_px(T0 - 50)
    band = (left.y() - 4, left.y() + 5)
    assert _line_pixels(img, left.x(), *band) > 0
    assert _line_pixels(img, right.x(), *band) > 0
    assert _line_pixels(img, gap.x(), *band) == 0


def test_decimation_keeps_spikes_and_gaps():
    t = np.arange(100_000, dtype=float)
    v = np.zeros(100_000)
    v[31_337] = 99.0
    v[70_000] = np.nan
    x, y = minmax_decimate(t, v, 0.0, 100_000.0, 1000)
    assert len(x) <= 4 * 1001
    assert np.nanmax(y) == 99.0
    gap = np.flatnonzero(np.isnan(y))
    assert len(gap) and np.all(np.abs(x[gap] - 70_000) < 200)
    x2, _ = minmax_decimate(t, v, 1000.0, 1100.0, 1000)  # zoomed in: raw samples, clipped
    assert x2[0] == 999.0 and x2[-1] == 1101.0


def test_incremental_columns_match_a_full_decimation():
    """The per-frame cache of live mode draws exactly what a full min/max reduction draws."""
    rng = np.random.default_rng(7)
    buf = SampleBuffer(1_000_000)
    cache = ColumnCache()
    t = 0.0
    for frame in range(60):
        for _ in range(rng.integers(0, 400)):
            t += 0.01
            buf.append(t, float("nan") if rng.random() < 0.002 else rng.normal())
        tt, vv = buf.view()
        t1 = t
        t0 = t1 - 30.0
        got = cache.decimate(tt, vv, buf.generation, t0, t1, 500)
        want = minmax_decimate(tt, vv, t0, t1, 500)
        np.testing.assert_array_equal(got[0], want[0], err_msg=f"frame {frame}")
        np.testing.assert_array_equal(got[1], want[1], err_msg=f"frame {frame}")
    buf.merge(np.array([-5.0, -4.0]), np.array([1.0, 2.0]))  # history: starts over
    tt, vv = buf.view()
    got = cache.decimate(tt, vv, buf.generation, t - 30, t, 500)
    np.testing.assert_array_equal(got[1], minmax_decimate(tt, vv, t - 30, t, 500)[1])

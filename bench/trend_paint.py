"""Live trend paint rate and CPU (issue 4): 4 curves x 100k samples in the window, 60 Hz timer.

Offscreen, one process. The trend (``hmi.widgets.trend.LiveTrend``) is shown at
the live screen's size with four strips; each curve's buffer is pre-filled so
the visible window holds ``--samples`` samples, and a feeder timer keeps adding
samples at ``--feed-hz`` per curve (with a bad-quality gap now and then), so
every refresh has new data to clip, decimate and draw (the worst case: the
trend skips refreshes when nothing changed).

Prints, over ``--seconds`` after a warm-up:

* completed paints per second, counted in the viewport's ``paintEvent`` hook
  (not timer ticks);
* CPU % of one core: ``time.process_time()`` (all threads) over wall time;
* p50 / p99 of the paint duration and of the whole frame (refresh: clip,
  decimate, ``setData``; plus the paint);

and whether the issue's target (>= 55 paints/s at <= 40 % of one core) is met.

    .venv/bin/python bench/trend_paint.py [--seconds 10] [--feed-hz 100] [--samples 100000]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hmi.widgets.trend import LiveTrend  # noqa: E402

CURVES = (("temperature", "Temperature", "°C", 20.0, 80.0), ("pressure", "Pressure", "bar", None, 6.0),
          ("speed", "Spindle speed", "rpm", None, None), ("flow", "Coolant flow", "l/min", 2.0, None))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--feed-hz", type=float, default=100.0, help="samples per second per curve")
    ap.add_argument("--samples", type=int, default=100_000, help="samples per curve in the window")
    ap.add_argument("--fps", type=int, default=60, help="refresh timer rate")
    ap.add_argument("--px-per-column", type=float, default=2.0,
                    help="min/max column width in pixels (LiveTrend px_per_column)")
    ap.add_argument("--width", type=int, default=1120)
    ap.add_argument("--height", type=int, default=600)
    args = ap.parse_args()

    app = QApplication.instance() or QApplication([])  # noqa: F841 - keeps the app alive
    window_s = args.samples / args.feed_hz
    now = time.time()
    trend = LiveTrend(window_s=window_s, max_fps=args.fps, capacity=4 * args.samples,
                      px_per_column=args.px_per_column)
    rng = np.random.default_rng(4)
    base = {"temperature": 55.0, "pressure": 4.0, "speed": 1200.0, "flow": 6.0}
    for name, label, unit, low, high in CURVES:
        trend.add_curve(name, label, unit=unit, low=low, high=high)
        t = now - window_s + np.arange(args.samples) / args.feed_hz
        v = base[name] * (1 + 0.1 * np.sin(t / 30.0) + 0.02 * rng.standard_normal(len(t)))
        v[(np.arange(len(t)) % 20_000) < 50] = np.nan  # bad-quality gaps
        trend.set_history(name, t, v)
    trend.resize(args.width, args.height)
    trend.show()

    # the feeder: new samples for every curve at feed_hz, stamped with the wall clock
    # (noise drawn in advance: the feeder stands in for the driver and should cost little)
    state = {"n": 0}
    noise = (0.02 * rng.standard_normal(65536)).tolist()

    def feed() -> None:
        t = time.time()
        n = state["n"] = state["n"] + 1
        gap = n % 2000 < 5
        wave = 1 + 0.1 * math.sin(t / 30.0)
        for i, (name, _label, _unit, _low, _high) in enumerate(CURVES):
            v = float("nan") if gap else base[name] * (wave + noise[(4 * n + i) & 65535])
            trend.add_sample(name, t, v)

    feeder = QTimer()
    feeder.setTimerType(Qt.TimerType.PreciseTimer)
    feeder.timeout.connect(feed)
    feeder.start(max(1, int(round(1000 / args.feed_hz))))

    # time the refresh slot (clip, decimate, setData); the paint is timed in paintEvent
    refresh_ms: list[float] = []
    refresh = trend._refresh
    trend._timer.timeout.disconnect()

    def timed_refresh() -> None:
        t0 = time.perf_counter()
        refresh()
        refresh_ms.append((time.perf_counter() - t0) * 1000.0)

    trend._timer.timeout.connect(timed_refresh)

    def run_for(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    run_for(args.warmup)
    n_visible = [int(np.count_nonzero(trend.buffered(c[0])[0] >= trend.visible_range()[0]))
                 for c in CURVES]
    refresh_ms.clear()
    trend.view.paint_ms.clear()
    p0, c0, w0 = trend.paints, time.process_time(), time.perf_counter()
    run_for(args.seconds)
    p1, c1, w1 = trend.paints, time.process_time(), time.perf_counter()
    wall = w1 - w0
    paints_s = (p1 - p0) / wall
    cpu = 100.0 * (c1 - c0) / wall
    paint_ms = list(trend.view.paint_ms)
    print(f"trend: {len(CURVES)} curves, {min(n_visible):,}..{max(n_visible):,} samples in the "
          f"{window_s:,.0f} s window per curve, feed {args.feed_hz:g} Hz per curve, timer "
          f"{args.fps} Hz, {args.width}x{args.height} offscreen, "
          f"{args.px_per_column:g} px per min/max column")
    print(f"completed paints/s: {paints_s:.1f}")
    print(f"CPU: {cpu:.1f} % of one core (process_time / wall over {wall:.1f} s)")
    print(f"paint ms: p50 {pct(paint_ms, 0.5):.2f}  p99 {pct(paint_ms, 0.99):.2f}  "
          f"(n={len(paint_ms)})")
    print(f"refresh ms (clip, decimate, setData): p50 {pct(refresh_ms, 0.5):.2f}  "
          f"p99 {pct(refresh_ms, 0.99):.2f}  (n={len(refresh_ms)})")
    mean = statistics.fmean(paint_ms) + statistics.fmean(refresh_ms) if paint_ms else 0.0
    print(f"mean frame (refresh + paint): {mean:.2f} ms")
    ok = paints_s >= 55.0 and cpu <= 40.0
    print(f"target >= 55 paints/s at <= 40 % CPU: {'MET' if ok else 'NOT MET'}")
    trend.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

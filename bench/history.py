"""Process-value history (hmi.services.history): recording cost, query latency, maintenance, size.

Prints:

* record(): cost of one call (the driver's thread pays only this), and the
  sustained rate the writer thread commits when flooded with TagValues;
* CPU (all threads, % of one core) for a steady 10,000 samples/s;
* query latency with max_points=2000 for 10 min, 1 h and 24 h ranges, one tag
  and four tags (one chart), on a file holding a full day of 10 tags at 10 Hz;
* maintenance: rolling that day into buckets, expiring it a day later, and the
  steady-state run every 10 s;
* bytes per tag-day for raw samples, fine and minute buckets, and the file
  size that follows for the default settings.

A day of 10 tags at 10 Hz (8.64 M rows) is written straight into the file with
one executemany per chunk (the writer's own rate is measured separately).

    .venv/bin/python bench/history.py [--hours 24] [--tags 10] [--hz 10]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmi.devices.base import ConnectionState, Quality, TagValue  # noqa: E402
from hmi.services.history import ProcessHistory, to_us  # noqa: E402

T0 = datetime(2026, 3, 2, tzinfo=UTC)
S = 1_000_000


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tagvalues(n: int, tags: int, start: datetime) -> list[TagValue]:
    out = []
    for i in range(n):
        ts = start + timedelta(microseconds=100_000 * (i // tags))
        out.append(TagValue(f"pv{i % tags}", 20.0 + (i % 97) * 0.1, Quality.GOOD, ts, ts,
                            ConnectionState.CONNECTED))
    return out


def bench_record(tmp: Path) -> None:
    print("== recording")
    items = tagvalues(300_000, 10, datetime.now(UTC))
    h = ProcessHistory(tmp / "rate.sqlite", maintain_every=None, max_pending=400_000)
    # Cost of the call itself: the writer is held off so it does not compete.
    with h._wlock:
        t0 = time.perf_counter()
        for tv in items[:100_000]:
            h.record(tv)
        call = time.perf_counter() - t0
    print(f"record() call: {call / 100_000 * 1e6:.2f} µs")
    h.flush(60)
    # Sustained: flood with back-pressure at 50k pending, until everything is committed.
    t0 = time.perf_counter()
    for k in range(100_000, 300_000, 10_000):
        for tv in items[k:k + 10_000]:
            h.record(tv)
        while h.pending > 50_000:
            time.sleep(0.005)
    assert h.flush(120)
    took = time.perf_counter() - t0
    print(f"sustained, committed: {200_000 / took:,.0f} samples/s (TagValues, 10 tags)")
    h.close()

    # CPU for a steady 10k samples/s (100 every 10 ms), 5 s.
    h = ProcessHistory(tmp / "cpu.sqlite", maintain_every=10.0)
    steady = tagvalues(50_000, 10, datetime.now(UTC))
    c0, w0 = time.process_time(), time.perf_counter()
    for k in range(0, 50_000, 100):
        for tv in steady[k:k + 100]:
            h.record(tv)
        next_at = w0 + (k + 100) / 10_000
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    h.flush(30)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    print(f"CPU at 10,000 samples/s: {cpu / wall * 100:.1f} % of one core "
          f"({cpu:.2f} s CPU in {wall:.2f} s)")
    h.close()


def load_day(path: Path, tags: int, hz: int, hours: float) -> int:
    """Write ``hours`` of ``tags`` x ``hz`` samples straight into the raw table."""
    h = ProcessHistory(path, maintain_every=None, clock=Clock(T0))
    for k in range(tags):
        h.record((f"pv{k}", T0, 0.0, 0))
    h.flush()
    h.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=NORMAL")
    ids = [r[0] for r in conn.execute("SELECT id FROM tags ORDER BY name")]
    step = S // hz
    n = int(hours * 3600 * hz)
    t0 = time.perf_counter()
    chunk = 36_000  # one hour at 10 Hz per tag and transaction
    rng = np.random.default_rng(1)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        ts = (to_us(T0) + np.arange(a, b, dtype=np.int64) * step).tolist()
        conn.execute("BEGIN")
        for tid in ids:
            vals = (50 + 10 * np.sin(np.arange(a, b) / 500 + tid) + rng.normal(0, 0.2, b - a)).tolist()
            conn.executemany("INSERT OR REPLACE INTO raw VALUES (?, ?, ?, 0)",
                             zip([tid] * (b - a), ts, vals, strict=True))
        conn.execute("COMMIT")
    took = time.perf_counter() - t0
    conn.close()
    print(f"loaded {n * tags / 1e6:.2f} M rows in {took:.1f} s ({n * tags / took:,.0f} rows/s, direct)")
    return n * tags


def used(path: Path) -> int:
    conn = sqlite3.connect(path)
    pc = conn.execute("PRAGMA page_count").fetchone()[0]
    fl = conn.execute("PRAGMA freelist_count").fetchone()[0]
    ps = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    return (pc - fl) * ps


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_day(tmp: Path, tags: int, hz: int, hours: float) -> None:
    print(f"== a day: {tags} tags at {hz} Hz for {hours:g} h")
    path = tmp / "day.sqlite"
    rows = load_day(path, tags, hz, hours)
    raw_bytes = used(path)
    print(f"raw samples: {raw_bytes / 1e6:.1f} MB used, {raw_bytes / rows:.1f} B/sample, "
          f"{raw_bytes / tags / (hours / 24) / 1e6:.1f} MB per tag-day at {hz} Hz")
    end = T0 + timedelta(hours=hours)
    clock = Clock(end + timedelta(seconds=10))
    h = ProcessHistory(path, maintain_every=None, clock=clock)
    t0 = time.perf_counter()
    h.maintain()
    print(f"maintain, roll the whole {hours:g} h into 2 s and 60 s buckets: {time.perf_counter() - t0:.2f} s")
    st = h.stats()
    rolled = st.used_bytes - raw_bytes
    print(f"buckets: {st.fine_rows:,} fine + {st.bucket_rows:,} minute rows, {rolled / 1e6:.1f} MB "
          f"({rolled / tags / (hours / 24) / 1e6:.2f} MB per tag-day)")

    names = [f"pv{k}" for k in range(tags)]
    for label, span in (("10 min", timedelta(minutes=10)), ("1 h", timedelta(hours=1)),
                        ("24 h", timedelta(hours=min(24, hours)))):
        for n_tags in (1, 4):
            out = {}

            def q(span=span, n_tags=n_tags, out=out):
                out.update(h.query(names[:n_tags], end - span, end, max_points=2000))

            ms = timed(q) * 1000
            s = out[names[0]]
            print(f"query {label:>6}, {n_tags} tag(s), max_points=2000: {ms:7.1f} ms "
                  f"({len(s)} points per tag from {'raw samples' if s.resolution_s == 0 else f'{s.resolution_s:g} s buckets'})")

    # Steady state: 10 s of new samples, then the periodic maintain.
    steady = []
    for k in range(6):
        now = end + timedelta(seconds=10 * (k + 1))
        for i in range(10 * hz):
            for name in names:
                h.record((name, now - timedelta(seconds=10) + timedelta(microseconds=i * S // hz), 1.0, 0))
        h.flush()
        clock.now = now + timedelta(seconds=10)
        t0 = time.perf_counter()
        h.maintain()
        steady.append(time.perf_counter() - t0)
    print(f"maintain every 10 s (steady, raw window not yet full): median {statistics.median(steady) * 1000:.1f} ms")

    # A day later the loaded day leaves the full-rate window: raw and fine rows go.
    clock.now = end + timedelta(hours=24, seconds=120)
    t0 = time.perf_counter()
    h.maintain()
    print(f"maintain, expire the {hours:g} h of raw samples and fine buckets: {time.perf_counter() - t0:.2f} s")
    st = h.stats()
    print(f"after expiry: {st.raw_rows:,} raw, {st.bucket_rows:,} minute rows; "
          f"{st.used_bytes / 1e6:.1f} MB used, file {st.file_bytes / 1e6:.1f} MB")
    h.close()
    days = hours / 24
    coarse = st.used_bytes / tags / days  # what is left: minute buckets (+ a minute of steady data)
    fine = rolled / tags / days - coarse
    raw = raw_bytes / tags / days
    print(f"per tag-day: raw {raw / 1e6:.1f} MB, fine buckets {fine / 1e6:.2f} MB, "
          f"minute buckets {coarse / 1e6:.3f} MB")
    print(f"default settings (24 h full rate, 60 s buckets, 90 d): ≈ {(raw + fine + 90 * coarse) / 1e6:.0f} MB "
          f"per {hz} Hz tag")


def bench_concurrent_query(tmp: Path) -> None:
    """Query latency while the writer commits 10k samples/s (WAL: readers do not wait)."""
    print("== query while recording 10,000 samples/s")
    h = ProcessHistory(tmp / "live.sqlite", maintain_every=5.0)
    stop = threading.Event()

    def produce() -> None:
        start = datetime.now(UTC)
        i = 0
        while not stop.is_set():
            ts = start + timedelta(microseconds=100_000 * i)
            for k in range(1000):
                h.record((f"pv{k % 10}", ts + timedelta(microseconds=k), float(k % 13), 0))
            i += 1
            time.sleep(0.1)

    th = threading.Thread(target=produce)
    th.start()
    time.sleep(3)
    lat = []
    for _ in range(20):
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        h.query([f"pv{k}" for k in range(4)], now - timedelta(minutes=10), now, max_points=2000)
        lat.append(time.perf_counter() - t0)
        time.sleep(0.05)
    stop.set()
    th.join()
    h.close()
    print(f"4 tags, last 10 min, max_points=2000: median {statistics.median(lat) * 1000:.1f} ms, "
          f"max {max(lat) * 1000:.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--tags", type=int, default=10)
    ap.add_argument("--hz", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hmi-history-bench-") as d:
        tmp = Path(d)
        bench_record(tmp)
        bench_concurrent_query(tmp)
        bench_day(tmp, args.tags, args.hz, args.hours)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Process-value history: every sample kept, bounded, and charted truthfully.

Time is simulated with an injectable clock and explicit sample timestamps, so
hours of 10 Hz data are written in a second without waiting.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from hmi import config
from hmi.config import ConfigError
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.history import BAD, GOOD, UNCERTAIN, ProcessHistory, to_us

T0 = datetime(2026, 3, 2, tzinfo=UTC)
S = 1_000_000  # µs per second
T0_US = to_us(T0)
TAGS = ("temperature", "pressure", "speed")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def value(k: int, i: int) -> float:
    """A deterministic wavy signal per tag."""
    return round(100 * k + 10 * math.sin(i / 37 + k), 6)


def feed(h: ProcessHistory, seconds: int, hz: int = 10, tags=TAGS, start_s: float = 0) -> dict:
    """Record ``seconds`` of samples for each tag; return tag -> (ts_us array, values array)."""
    step = S // hz
    n = seconds * hz
    out = {}
    for k, tag in enumerate(tags):
        ts = T0_US + int(start_s * S) + np.arange(n, dtype=np.int64) * step
        vals = np.array([value(k, i) for i in range(n)])
        for t, v in zip(ts.tolist(), vals.tolist(), strict=True):
            assert h.record((tag, t, v, GOOD))
        assert h.flush()  # a flood far above any real rate: let the writer keep up
        out[tag] = (ts, vals)
    return out


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def make(tmp_path: Path, clock: Clock):
    opened: list[ProcessHistory] = []

    def _make(**kw) -> ProcessHistory:
        kw.setdefault("full_rate", timedelta(hours=1))
        kw.setdefault("keep", timedelta(days=30))
        kw.setdefault("maintain_every", None)
        h = ProcessHistory(tmp_path / "history.sqlite", clock=clock, **kw)
        opened.append(h)
        return h

    yield _make
    for h in opened:
        h.close()


def test_raw_range_returns_exactly_the_recorded_samples(make):
    h = make()
    data = feed(h, seconds=3600)  # 3 tags, 10 Hz, 1 h: 108,000 samples
    got = h.query([*TAGS, "no_such_tag"], at(1800), at(2400))
    for tag in TAGS:
        ts, vals = data[tag]
        sel = (ts >= to_us(at(1800))) & (ts < to_us(at(2400)))
        s = got[tag]
        assert len(s) == 6000 and s.resolution_s == 0.0
        assert np.array_equal(np.round(s.t * S).astype(np.int64), ts[sel])
        assert np.array_equal(s.v, vals[sel])
        assert (s.q == GOOD).all() and (s.n == 1).all()
    assert len(got["no_such_tag"]) == 0
    # A zoomed range with fewer samples than max_points comes back undecimated too.
    few = h.query(["pressure"], at(100), at(110), max_points=500)["pressure"]
    assert len(few) == 100 and few.resolution_s == 0.0
    assert h.stats().raw_rows == 3 * 36_000


def bucket_view(s) -> dict[int, tuple[float, float, float, int, int]]:
    """Group a series' points by minute: minute -> (min, max, avg, n, worst quality)."""
    out = {}
    for t, lo, hi, avg, n, q in zip(s.t, s.vmin, s.vmax, s.vavg, s.n, s.q, strict=True):
        out[int(t * S - T0_US) // (60 * S)] = (lo, hi, avg, int(n), int(q))
    return out


def test_maintain_turns_data_older_than_the_window_into_exact_buckets(make, clock):
    h = make()
    data = feed(h, seconds=2 * 3600)
    clock.now = at(2 * 3600 + 10)
    h.maintain()
    st = h.stats()
    assert st.full_rate_since == at(3600)  # raw kept for exactly the last hour
    assert st.raw_rows == 3 * 36_000
    assert st.bucket_rows == 3 * 120  # every completed minute, old and recent
    got = h.query(TAGS, T0, at(3600))
    for tag in TAGS:
        s = got[tag]
        assert s.resolution_s == 60.0
        buckets = bucket_view(s)
        assert sorted(buckets) == list(range(60))
        ts, vals = data[tag]
        for minute, (lo, hi, avg, n, q) in buckets.items():
            chunk = vals[minute * 600:(minute + 1) * 600]
            assert (lo, hi, n, q) == (chunk.min(), chunk.max(), 600, GOOD)
            assert avg == pytest.approx(chunk.mean(), rel=1e-12)
        # Inside the window every sample is still there.
        recent = h.query([tag], at(3600), at(7200))[tag]
        assert np.array_equal(recent.v, vals[36_000:])
    # Maintenance again changes nothing.
    h.maintain()
    assert h.stats().bucket_rows == st.bucket_rows and h.stats().raw_rows == st.raw_rows


def test_query_across_the_boundary_is_continuous_and_time_ordered(make, clock):
    h = make()
    data = feed(h, seconds=2 * 3600, tags=("temperature",))
    clock.now = at(2 * 3600 + 10)
    h.maintain()
    ts, vals = data["temperature"]
    sel = (ts >= to_us(at(1800))) & (ts < to_us(at(5400)))
    full = h.query(["temperature"], at(1800), at(5400))["temperature"]
    assert np.all(np.diff(full.t) > 0)
    assert full.t[0] < (to_us(at(1800)) + 60 * S) / S and full.t[-1] >= (to_us(at(5400)) - S) / S
    assert np.max(np.diff(full.t)) <= 60  # no hole at the seam
    assert full.resolution_s == 60.0
    # Buckets first, then every raw sample from the boundary on.
    assert np.array_equal(full.v[full.t >= (T0_US + 3600 * S) / S], vals[36_000:54_000])
    for max_points in (500, 2000):
        dec = h.query(["temperature"], at(1800), at(5400), max_points=max_points)["temperature"]
        assert 0 < len(dec) <= max_points
        assert np.all(np.diff(dec.t) >= 0)
        assert np.max(np.diff(dec.t)) <= 60
        assert np.nanmin(dec.v) == vals[sel].min() and np.nanmax(dec.v) == vals[sel].max()


def test_decimation_keeps_one_sample_spikes_at_every_zoom(make, clock):
    h = make(full_rate=timedelta(hours=2))
    n = 12 * 3600  # 12 h: 1 Hz, the last two hours at 10 Hz
    spike_t, dip_t = 11.5 * 3600 + 0.3, 5 * 3600 + 7
    for ts in [*range(0, 10 * 3600), *np.arange(10 * 36_000, 12 * 36_000) / 10]:
        v = 95.0 if ts == spike_t else -50.0 if ts == dip_t else 20.0 + (int(ts) % 7) * 0.01
        h.record(("pressure", T0_US + round(ts * S), v, GOOD))
    assert h.flush()
    clock.now = at(n + 10)
    h.maintain()
    spike_t += T0_US / S
    mid = 11.5 * 3600
    cases = [  # range (s), max_points, stored resolution the points come from
        ((mid - 300, mid + 300), 2000, 0.0),  # 6000 raw samples, decimated
        ((mid - 5400, mid + 5400), 2000, 2.0),  # fine buckets
        ((0, n), 200, 60.0),  # minute buckets
    ]
    for (a, b), max_points, resolution in cases:
        s = h.query(["pressure"], at(a), at(b), max_points=max_points)["pressure"]
        assert len(s) <= max_points and s.resolution_s == resolution
        assert np.max(s.v) == 95.0
        assert abs(s.t[np.argmax(s.v)] - spike_t) <= (b - a) / (max_points // 2)
        if a <= dip_t < b:
            assert np.min(s.v) == -50.0


def tv(tag: str, v: object, q: Quality, src: float, rcv: float | None = None) -> TagValue:
    return TagValue(tag, v, q, at(src), at(src if rcv is None else rcv), ConnectionState.CONNECTED)


def test_bad_samples_come_back_as_bad_and_draw_gaps(make, clock):
    h = make()
    for i in range(600):  # minute 0: good at 10 Hz, link lost at 30 s for 2 s
        if 300 <= i < 320:
            continue
        h.record(tv("temperature", 50.0 + i / 100, Quality.GOOD, i / 10))
    # The driver re-delivers the last value as BAD with its old source time when the link drops.
    h.record(tv("temperature", 52.99, Quality.BAD, 29.9, rcv=30.05))
    h.record(tv("temperature", None, Quality.BAD, 90.0))  # minute 1: nothing usable at all
    h.record(tv("temperature", 7.0, Quality.UNCERTAIN, 150.0))  # minute 2
    h.record(tv("temperature", 8.0, Quality.GOOD, 151.0, rcv=151.0 + 7200))  # device clock off by 2 h
    h.record(tv("temperature", True, Quality.GOOD, 152.0))
    h.record(tv("temperature", "n/a", Quality.GOOD, 153.0))
    assert h.flush()
    raw = h.query(["temperature"], T0, at(7500))["temperature"]
    bad = raw.q == BAD
    assert raw.t[bad].tolist() == [(T0_US + 30.05 * S) / S, (T0_US + 90 * S) / S]
    assert math.isnan(raw.gapped()[bad][0]) and raw.v[bad][0] == 52.99
    # The untrusted device clock is replaced by the station's receive time.
    assert raw.v[raw.t == (T0_US + 7351 * S) / S].tolist() == [8.0]
    assert raw.v[raw.t == (T0_US + 152 * S) / S].tolist() == [1.0]  # bool stored as 1
    assert raw.q[raw.t == (T0_US + 150 * S) / S].tolist() == [UNCERTAIN]
    assert h.stats().skipped_non_numeric == 1

    clock.now = at(3 * 3600)  # everything above is now older than the full-rate window
    h.maintain()
    minutes = bucket_view(h.query(["temperature"], T0, at(180))["temperature"])
    lo, hi, avg, n, q = minutes[0]
    assert (lo, hi, n, q) == (50.0, 55.99, 580, BAD)  # the BAD copy is not averaged in
    assert avg == pytest.approx(np.mean([50.0 + i / 100 for i in range(600) if not 300 <= i < 320]))
    assert math.isnan(minutes[1][0]) and minutes[1][3:] == (0, BAD)  # a gap, not a value
    assert minutes[2][:2] == (1.0, 7.0) and minutes[2][4] == UNCERTAIN


def test_a_late_sample_updates_its_already_rolled_bucket(make, clock):
    h = make()
    feed(h, seconds=600, hz=1, tags=("pressure",))
    clock.now = at(610)
    h.maintain()
    before = h.query(["pressure"], T0, at(600), max_points=20)["pressure"]
    assert before.resolution_s == 60.0 and np.max(before.v) < 999
    h.record(("pressure", T0_US + 180 * S + S // 2, 999.0, GOOD))  # arrives after its minute was rolled
    assert h.flush()
    h.maintain()
    after = h.query(["pressure"], T0, at(600), max_points=20)["pressure"]
    assert np.max(after.v) == 999.0
    assert bucket_view(after)[3][3] == 61


def test_size_cap_evicts_the_oldest_data_first(make, clock, caplog):
    h = make(keep=timedelta(days=30), max_bytes=2**19)
    step = 30  # one sample per 30 s for 3 tags over 6 days: ~26,000 minute buckets
    n = 6 * 86_400 // step
    for i in range(n):
        for k, tag in enumerate(TAGS):
            h.record((tag, T0_US + i * step * S, float(k + i % 50), GOOD))
    assert h.flush()
    clock.now = at(n * step + 10)
    with caplog.at_level(logging.WARNING, logger="hmi.services.history"):
        h.maintain()
        h.maintain()
    st = h.stats()
    assert st.used_bytes <= 2**19 and st.cap_reached
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "size cap" in caplog.records[0].message
    # The newest hour is intact at full rate; the oldest days are gone.
    last_hour = h.query(["pressure"], at(n * step - 3600), at(n * step))["pressure"]
    assert len(last_hour) == 3600 // step and last_hour.resolution_s == 0.0
    assert st.oldest > T0 + timedelta(days=1)
    assert len(h.query(["pressure"], T0, at(86_400))["pressure"]) == 0
    assert len(h.query(["pressure"], st.oldest, at(n * step - 3600))["pressure"]) > 0


def test_reopening_keeps_the_data_and_marks_the_restart_gap(tmp_path, clock):
    path = tmp_path / "history.sqlite"
    kw = dict(full_rate=timedelta(hours=1), clock=clock, maintain_every=None)
    with ProcessHistory(path, **kw) as h:
        data = feed(h, seconds=600, tags=("speed",))
        clock.now = at(610)
        h.maintain()
        first = h.query(["speed"], T0, at(600))["speed"]
    with ProcessHistory(path, **kw) as h:
        again = h.query(["speed"], T0, at(600))["speed"]
        assert np.array_equal(again.v[:-1], data["speed"][1]) and np.array_equal(again.t[:-1], first.t)
        assert again.q[-1] == BAD and math.isnan(again.v[-1])  # recording stopped here
        feed(h, seconds=60, tags=("speed",), start_s=900)  # the station runs again later
        s = h.query(["speed"], T0, at(1000))["speed"]
        gap = np.flatnonzero(np.isnan(s.gapped()))
        assert len(gap) == 1 and s.t[gap[0]] == (T0_US + 599_900_001) / S
        assert h.query(["speed"], T0, at(600), max_points=20)["speed"].resolution_s == 60.0


def test_record_from_four_threads_loses_nothing(make):
    h = make(batch_size=500, commit_interval=0.05)
    per_thread = 25_000
    barrier = threading.Barrier(4)

    def produce(k: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            h.record(("temperature", T0_US + (i * 4 + k) * 1000, float(k), GOOD))

    threads = [threading.Thread(target=produce, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert h.flush()
    s = h.query(["temperature"], T0, at(1000))["temperature"]
    assert len(s) == 4 * per_thread
    assert np.array_equal(np.round(s.t * S).astype(np.int64) - T0_US, np.arange(4 * per_thread) * 1000)
    assert np.array_equal(s.v, np.tile(np.arange(4.0), per_thread))
    assert h.stats().dropped_full == 0


def test_a_failing_writer_keeps_its_samples_and_catches_up(make, monkeypatch):
    h = make()
    real = ProcessHistory._insert_rows
    failures = []

    def flaky(self, rows):
        if len(failures) < 2:
            failures.append(len(rows))
            raise __import__("sqlite3").OperationalError("disk I/O error")
        real(self, rows)

    monkeypatch.setattr(ProcessHistory, "_insert_rows", flaky)
    for i in range(1000):
        h.record(("pressure", T0_US + i * 100_000, float(i), GOOD))
    assert not h.flush(timeout=0.2)  # not written yet: the disk "fails"
    for i in range(1000, 1500):
        h.record(("pressure", T0_US + i * 100_000, float(i), GOOD))
    assert h.flush(timeout=10)
    s = h.query(["pressure"], T0, at(3600))["pressure"]
    assert s.v.tolist() == [float(i) for i in range(1500)]
    assert h.stats().write_errors == 2 and len(failures) == 2


def test_interrupted_maintenance_repeats_without_double_counting(tmp_path, clock, monkeypatch):
    path = tmp_path / "history.sqlite"
    kw = dict(full_rate=timedelta(minutes=10), clock=clock, maintain_every=None)
    h = ProcessHistory(path, **kw)
    feed(h, seconds=1800, tags=("temperature",))
    clock.now = at(1810)

    def crash(self, new_cut):
        raise RuntimeError("power cut")

    monkeypatch.setattr(ProcessHistory, "_cut_raw", crash)
    with pytest.raises(RuntimeError):
        h.maintain()  # buckets written, raw samples not yet cut
    monkeypatch.undo()
    h.close()
    with ProcessHistory(path, **kw) as h:
        h.maintain()
        st = h.stats()
        assert st.full_rate_since == at(1200) and st.raw_rows == 6000 + 1  # +1: restart mark
        minutes = bucket_view(h.query(["temperature"], T0, at(1200))["temperature"])
        assert sorted(minutes) == list(range(20))
        assert {m[3] for m in minutes.values()} == {600}


def test_an_unreadable_file_is_moved_aside_and_recording_goes_on(tmp_path, clock):
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database " * 400)
    with ProcessHistory(path, clock=clock, maintain_every=None) as h:
        h.record(("speed", T0_US, 1.5, GOOD))
        assert h.flush()
        assert h.query(["speed"], T0, at(1))["speed"].v.tolist() == [1.5]
    aside = list(tmp_path.glob("history.sqlite.unusable-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")


def test_the_writer_maintains_by_itself(make, clock):
    h = make(maintain_every=0.05)
    feed(h, seconds=120, hz=1, tags=("speed",))
    clock.now = at(2 * 3600)
    deadline = time.monotonic() + 10
    while h.stats().raw_rows and time.monotonic() < deadline:
        time.sleep(0.02)
    st = h.stats()
    assert st.full_rate_since == at(3600) and st.raw_rows == 0 and st.bucket_rows == 2
    assert st.last_maintain_s is not None


def test_history_section_in_the_station_file(tmp_path):
    full = config.demo_config_path().read_text(encoding="utf-8")
    cfg = config.parse(full, tmp_path / "s.toml")
    # The same station file without its [history] table, to add one of our own.
    demo = re.sub(r"\[history\][^\[]*", "", full)
    assert (cfg.history.full_rate_hours, cfg.history.bucket_s, cfg.history.keep_days) == (24, 60, 90)
    assert cfg.history_path(tmp_path) == tmp_path / "demo" / "history.sqlite"
    cfg = config.parse(demo + '\n[history]\nfull_rate_hours = 6\nbucket_s = 300\npath = "h.db"\n',
                       tmp_path / "s.toml")
    h = ProcessHistory.from_config(cfg.history, cfg.history_path(tmp_path), maintain_every=None)
    try:
        assert (h._full_rate_us, h._coarse, h._fine) == (6 * 3600 * S, 300 * S, 15 * S)
        assert h.path == tmp_path / "h.db"
    finally:
        h.close()
    with pytest.raises(ConfigError) as info:
        config.parse(demo + "\n[history]\nkeep_days = 0.5\n", tmp_path / "s.toml")
    assert "history: keep_days (0.5) must cover the full-rate window" in str(info.value)

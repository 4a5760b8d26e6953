"""OEE arithmetic (hmi.services.kpi): a 24-hour day of 100k counts and 2k stops.

Issue 4's target: <= 100 ms for the arithmetic on records in memory, <= 500 ms
including loading them from SQLite. This script measures

* ``compute_oee`` over the local day (calendar breaks and unscheduled time
  included) on the records as a loader returns them (sorted by time), and on
  shuffled counts (the sort fallback);
* the rollups: ``oee_by_shifts`` over the day and ``oee_by_day``;
* ``pareto`` over the day;

each as median / p95 / max over ``--repeats`` runs, after one warm-up.

Phases: ``make_day`` builds the records (deterministic, ``--seed``); a
*loader* then stands between them and the arithmetic. ``MemoryLoader`` is the
in-memory case; a SQLite loader slots in with the same two methods:
``prepare(day)`` (untimed: e.g. write the day's events into a store) and
``load() -> DayRecords`` (timed: read them back as timeline records). Register
it in ``LOADERS``; ``--loader`` picks it, and the "load + compute" line is
then the 500 ms figure.

    .venv/bin/python bench/oee.py [--counts 100000] [--stops 2000] [--repeats 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmi.services import kpi, shiftcal  # noqa: E402
from hmi.services.timeline import CountRecord, Interval, StopKind, StopRecord  # noqa: E402

UTC = dt.UTC
DAY = dt.date(2026, 3, 3)  # a Tuesday: three shifts, night shifts on both ends
IDEAL_S = 0.45


def demo_calendar() -> shiftcal.CalendarSpec:
    """The shift calendar of resources/masterdata/demo.toml."""
    doc = tomllib.loads((ROOT / "resources/masterdata/demo.toml").read_text(encoding="utf-8"))
    cal = doc["shift_calendars"][0]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return shiftcal.CalendarSpec(cal["code"], cal["timezone"], tuple(
        shiftcal.ShiftSpec(s["name"], s["start"], s["end"],
                           frozenset(days.index(d) + 1 for d in s["weekdays"]),
                           tuple(shiftcal.BreakSpec(b["name"], b["start"], b["end"])
                                 for b in s.get("breaks", [])))
        for s in cal["shifts"]))


@dataclass(frozen=True)
class DayRecords:
    window: Interval
    counts: list[CountRecord]
    stops: list[StopRecord]


def make_day(spec: shiftcal.CalendarSpec, n_counts: int, n_stops: int, seed: int) -> DayRecords:
    """A plausible day: 85 % micro-stops, 14 % unplanned, 1 % changeovers; 2 % scrap."""
    rng = random.Random(seed)
    window = shiftcal.day_interval(DAY, spec.tz)
    span = window.seconds
    step = span / n_counts
    counts = []
    for i in range(n_counts):
        ts = window.start + dt.timedelta(seconds=i * step + rng.random() * step * 0.9)
        scrap = rng.random() < 0.02
        counts.append(CountRecord(ts, good=0 if scrap else 1, scrap=1 if scrap else 0))
    stops = []
    reasons = [("MECH-JAM", "Part jammed"), ("ELEC", "Electrical"), ("MAT-STARVED", "Starved"),
               ("MECH-HYD-LEAK", "Leak"), ("QUAL", "Quality"), (None, None)]
    for i in range(n_stops):
        start = window.start + dt.timedelta(seconds=rng.random() * span)
        r = rng.random()
        if r < 0.85:
            kind, dur, code, name = StopKind.MICRO, rng.uniform(3, 10), None, None
        elif r < 0.99:
            code, name = rng.choice(reasons)
            kind, dur = StopKind.UNPLANNED, rng.uniform(20, 60)
        else:
            kind, dur, code, name = StopKind.PLANNED, 300.0, "CHANGEOVER", "Changeover"
        end = start + dt.timedelta(seconds=dur)
        stops.append(StopRecord(f"S{i:05d}", start, end, kind, code, name,
                                repaired_at=end if kind == StopKind.UNPLANNED else None))
    stops.sort(key=lambda s: s.start)
    return DayRecords(window, counts, stops)


class Loader(Protocol):
    name: str

    def prepare(self, day: DayRecords) -> None: ...

    def load(self) -> DayRecords: ...


class MemoryLoader:
    """The records are already in memory: loading costs nothing."""

    name = "memory"

    def prepare(self, day: DayRecords) -> None:
        self._day = day

    def load(self) -> DayRecords:
        return self._day


class SqliteLoader:
    """The day written as station events into a real (migrated) SQLite store, read back with
    :func:`hmi.services.stops.load_timeline` (what a restart or a report does)."""

    name = "sqlite"

    def prepare(self, day: DayRecords) -> None:
        import tempfile
        import uuid

        from sqlalchemy import insert

        from hmi.store.engine import open_store
        from hmi.store.models import DowntimeEvent, MachineStateEvent, ProductionCountEvent

        self._dir = tempfile.mkdtemp(prefix="oee-bench-")
        self._engine, self._sf = open_store(f"sqlite:///{self._dir}/station.sqlite")
        self._window = day.window
        seq = 0

        def nxt() -> int:
            nonlocal seq
            seq += 1
            return seq

        base = {"station_id": "ST-10", "equipment_code": "ST-10"}
        counts = [dict(base, id=uuid.uuid4(), seq=nxt(), counter="good" if c.good else "scrap",
                       good_increment=c.good, scrap_increment=c.scrap, raw_counter=i,
                       source_ts=c.ts) for i, c in enumerate(day.counts)]
        states, downtime = [], []
        for st in day.stops:
            states.append(dict(base, id=uuid.uuid4(), seq=nxt(), state_code=6,
                               state_name="faulted", source_ts=st.start))
            states.append(dict(base, id=uuid.uuid4(), seq=nxt(), state_code=1,
                               state_name="running", source_ts=st.end))
            sid = uuid.uuid4()
            downtime.append(dict(base, id=uuid.uuid4(), seq=nxt(), stop_id=sid, kind="started",
                                 occurred_at=st.start, cause="faulted", stop_kind=st.kind.value))
            downtime.append(dict(base, id=uuid.uuid4(), seq=nxt(), stop_id=sid, kind="ended",
                                 occurred_at=st.end, stop_kind=st.kind.value))
            if st.reason_code:
                downtime.append(dict(base, id=uuid.uuid4(), seq=nxt(), stop_id=sid,
                                     kind="classified", occurred_at=st.end,
                                     reason_code=st.reason_code, reason_version=1,
                                     classified_by="operator", stop_kind=st.kind.value))
        with self._sf.begin() as s:
            for model, rows in ((ProductionCountEvent, counts), (MachineStateEvent, states),
                                (DowntimeEvent, downtime)):
                s.execute(insert(model), rows)
        self.rows = len(counts) + len(states) + len(downtime)

    def load(self) -> DayRecords:
        from hmi.services.stops import load_timeline

        with self._sf() as s:
            tl = load_timeline(s, "ST-10", self._window, reason_names={})
        return DayRecords(self._window, tl.counts, tl.stops)


LOADERS: dict[str, Callable[[], Loader]] = {"memory": MemoryLoader, "sqlite": SqliteLoader}


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm-up (imports, caches)
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:<58} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   "
          f"max {ordered[-1]:7.1f} ms   (n={len(ms)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--counts", type=int, default=100_000)
    ap.add_argument("--stops", type=int, default=2_000)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--loader", choices=sorted(LOADERS), default="memory")
    args = ap.parse_args(argv)

    spec = demo_calendar()
    day = make_day(spec, args.counts, args.stops, args.seed)
    now = day.window.end + dt.timedelta(hours=1)
    breaks = shiftcal.breaks_between(spec, day.window.start, day.window.end)
    unscheduled = shiftcal.unscheduled_between(spec, day.window.start, day.window.end)
    loader = LOADERS[args.loader]()
    loader.prepare(day)

    def compute(records: DayRecords) -> kpi.OeeResult:
        return kpi.compute_oee(records.window, stops=records.stops, counts=records.counts,
                               ideal_cycle_s=IDEAL_S, breaks=breaks, unscheduled=unscheduled,
                               now=now, startup_window_s=120)

    result = compute(loader.load())
    print(f"day {DAY} ({spec.timezone}), {len(day.counts):,} counts, {len(day.stops):,} stops, "
          f"ideal cycle {IDEAL_S} s, loader '{loader.name}'")
    print(f"  A {kpi.fmt_ratio(result.availability)}  P {kpi.fmt_ratio(result.performance)}  "
          f"Q {kpi.fmt_ratio(result.quality)}  OEE {kpi.fmt_ratio(result.oee)}  "
          f"failures {result.failures}  warnings {len(result.warnings)}")

    report("compute_oee, day, records as loaded (sorted)", timed(lambda: compute(day), args.repeats))
    shuffled = DayRecords(day.window, random.Random(1).sample(day.counts, len(day.counts)),
                          day.stops)
    report("compute_oee, day, counts shuffled (sort fallback)",
           timed(lambda: compute(shuffled), args.repeats))
    if args.loader != "memory":
        loaded = loader.load()
        check = compute(loaded)
        print(f"  loaded back: {len(loaded.counts):,} counts, {len(loaded.stops):,} stops; OEE "
              f"{kpi.fmt_ratio(check.oee)} (in memory {kpi.fmt_ratio(result.oee)})")
        report(f"load ({loader.name}) alone", timed(loader.load, args.repeats))
        report(f"load ({loader.name}) + compute_oee",
               timed(lambda: compute(loader.load()), args.repeats))
    report("oee_by_shifts over the day (4 shifts)", timed(lambda: kpi.oee_by_shifts(
        spec, day.window, stops=day.stops, counts=day.counts, ideal_cycle_s=IDEAL_S, now=now,
        startup_window_s=120), args.repeats))
    report("oee_by_day (1 day)", timed(lambda: kpi.oee_by_day(
        spec, DAY, stops=day.stops, counts=day.counts, ideal_cycle_s=IDEAL_S, now=now,
        startup_window_s=120), args.repeats))
    index = kpi.CountIndex.of(day.counts)
    report("oee_by_shifts with a prebuilt CountIndex", timed(lambda: kpi.oee_by_shifts(
        spec, day.window, stops=day.stops, counts=index, ideal_cycle_s=IDEAL_S, now=now,
        startup_window_s=120), args.repeats))
    report("CountIndex build alone (100k sorted counts)",
           timed(lambda: kpi.CountIndex(day.counts), args.repeats))
    report("pareto over the day", timed(lambda: kpi.pareto(day.stops, day.window, now),
                                        args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Local event write rate: one transaction per event vs. group commit (hmi.store.groupcommit).

Every run writes into a fresh, migrated station store (WAL, ``synchronous=FULL``,
exactly as the station opens it) on the data disk (``--dir``; default: a temporary
directory under the repository's ``out/``, not tmpfs, so fsync costs what it costs).

Prints, per mode:

* ``single``: ``append_event`` + commit per event on one thread (today's path);
* ``group``: ``--threads`` submitter threads each submitting ``GroupCommitWriter.submit``
  as fast as the writer confirms (each keeps ``--inflight`` events in flight, as a
  station's services do), for ``--seconds``: sustained events/s, commits/s, mean batch,
  and p50/p99/max latency from submit to confirmation (the future resolved after the
  commit). "write path": the events were built before the clock started (what the
  writer sustains); "+ building": each submitter builds its ORM events as it goes
  (~30 µs an event of the same interpreter's time, so the process total is lower);
* ``recorder.record_many(200)``: the app's machine facts on the DB worker, 200 part counts
  per transaction (building the facts included; "confirm" is the transaction);
* ``submit_row``: the same as "+ building", each submitter building the event's column
  values as a dict (``GroupCommitWriter.submit_row``, no ORM object) — the machine-data path;
* ``submit_many(100)``: the same, each submission a burst of 100 events (one future);
* ``group@RATE``: a paced load of RATE events/s (default 20,000) — the latency an
  operator's confirmation sees at the target rate;
* ``max_batch`` sweep: events/s when the writer may take at most N events per commit.

Then checks the store: seq gap-free 1..N, no duplicates, ``PRAGMA integrity_check``.

    .venv/bin/python bench/event_write.py [--seconds 5] [--threads 4] [--rate 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from hmi.store.engine import open_store  # noqa: E402
from hmi.store.events import append_event  # noqa: E402
from hmi.store.groupcommit import GroupCommitWriter  # noqa: E402
from hmi.store.models import ProcessSnapshotEvent  # noqa: E402

STATION = "ST-BENCH"
T0 = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def make_event(i: int) -> ProcessSnapshotEvent:
    """A realistic small event (a process snapshot of a unit: a few values)."""
    return ProcessSnapshotEvent(station_id=STATION, kind="unit", equipment_code=STATION,
                                unit_serial=f"SN{i:09d}", order_code="WO-BENCH",
                                values={"temperature": 180.0 + (i % 7) * 0.1, "pressure": 95.5},
                                source_ts=T0 + dt.timedelta(milliseconds=i))


def make_row(i: int) -> dict:
    """The same event as its column values (``GroupCommitWriter.submit_row``): no ORM object."""
    return {"station_id": STATION, "kind": "unit", "equipment_code": STATION,
            "unit_serial": f"SN{i:09d}", "order_code": "WO-BENCH",
            "values": {"temperature": 180.0 + (i % 7) * 0.1, "pressure": 95.5},
            "source_ts": T0 + dt.timedelta(milliseconds=i)}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def fresh_store(root: Path, name: str):
    path = root / f"{name}.sqlite"
    engine, sf = open_store(f"sqlite:///{path}")
    return path, engine, sf


def bench_single(root: Path, seconds: float) -> dict:
    _, engine, sf = fresh_store(root, "single")
    n = 0
    lat: list[float] = []
    t_end = time.perf_counter() + seconds
    t0 = time.perf_counter()
    while time.perf_counter() < t_end:
        t = time.perf_counter()
        with sf.begin() as s:
            append_event(s, make_event(n))
        lat.append(time.perf_counter() - t)
        n += 1
    el = time.perf_counter() - t0
    engine.dispose()
    return {"events_s": n / el, "commits_s": n / el, "p50": pct(lat, 50), "p99": pct(lat, 99),
            "max": max(lat)}


def bench_group(root: Path, name: str, seconds: float, threads: int, inflight: int,
                max_batch: int = 5000, max_delay_s: float = 0.0, rate: float | None = None,
                prebuilt: int = 0, chunk: int = 1, rows: bool = False) -> dict:
    """``prebuilt``: build that many events per thread before the clock starts (measures the
    write path alone); 0: each submitter builds its events as it goes (end to end)."""
    path, engine, sf = fresh_store(root, name)
    pools = [[make_event(k * prebuilt + i) for i in range(prebuilt)] for k in range(threads)]
    writer = GroupCommitWriter(sf, max_batch=max_batch, max_delay_s=max_delay_s,
                               max_pending=1_000_000)
    stop = threading.Event()
    counter = iter(range(10**9, 10**12))
    lock = threading.Lock()

    def submitter(idx: int) -> None:
        pending = []
        per_thread = rate / threads if rate else None
        t_start = time.perf_counter()
        sent = 0
        while not stop.is_set():
            if per_thread is not None:  # paced: submit on schedule, never ahead of it
                due = t_start + sent / per_thread
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(min(delay, 0.001))
                    continue
            if chunk > 1:  # a burst from one source (e.g. the units of a machine cycle)
                if sent + chunk > prebuilt:
                    break
                pending.append(writer.submit_many(pools[idx][sent:sent + chunk]))
                sent += chunk
                if len(pending) * chunk >= inflight:
                    pending.pop(0).result(30)
                continue
            if prebuilt:
                if sent >= prebuilt:
                    break
                ev = pools[idx][sent]
            else:
                with lock:
                    i = next(counter)
                if rows:
                    pending.append(writer.submit_row(ProcessSnapshotEvent, make_row(i)))
                    sent += 1
                    if len(pending) >= inflight:
                        pending.pop(0).result(30)
                    continue
                ev = make_event(i)
            pending.append(writer.submit(ev))
            sent += 1
            if len(pending) >= inflight:
                pending.pop(0).result(30)
        for f in pending:
            f.result(30)

    ts = [threading.Thread(target=submitter, args=(k,)) for k in range(threads)]
    t0 = time.perf_counter()
    base_commits = writer.stats.commits
    for t in ts:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in ts:
        t.join()
    el = time.perf_counter() - t0
    writer.close()
    st = writer.stats
    lat = st.latencies
    out = {"events_s": st.events / el, "commits_s": (st.commits - base_commits) / el,
           "batch": st.events / max(1, st.commits), "p50": pct(lat, 50), "p99": pct(lat, 99),
           "max": max(lat) if lat else float("nan"), "n": st.events}
    out.update(check_store(engine, st.events))
    engine.dispose()
    return out


def bench_recorder(root: Path, seconds: float, group: int = 200) -> dict:
    """The app's machine-fact path: ``ProductionRecorder.record_many`` on one thread (the
    DbWorker), each call a group of ``group`` part counts (what queued up while the previous
    commit ran), written as rows."""
    from hmi.services.recorder import ProductionRecorder

    _, engine, sf = fresh_store(root, "recorder")
    rec = ProductionRecorder(sf, STATION)
    n = 0
    lat: list[float] = []
    t_end = time.perf_counter() + seconds
    t0 = time.perf_counter()
    while time.perf_counter() < t_end:
        facts = [("production_count", {"kind": "good", "increment": 1, "raw": n + i + 1,
                                       "source_ts": T0 + dt.timedelta(milliseconds=n + i)})
                 for i in range(group)]
        t = time.perf_counter()
        rec.record_many(facts)
        lat.append(time.perf_counter() - t)
        n += group
    el = time.perf_counter() - t0
    engine.dispose()
    return {"events_s": n / el, "commits_s": len(lat) / el, "batch": float(group),
            "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat)}


def check_store(engine, expected: int) -> dict:
    with engine.connect() as c:
        n, lo, hi, distinct = c.execute(select(
            func.count(), func.min(ProcessSnapshotEvent.seq), func.max(ProcessSnapshotEvent.seq),
            func.count(ProcessSnapshotEvent.seq.distinct()))).one()
        integrity = c.execute(text("PRAGMA integrity_check")).scalar()
    ok = (n == expected and distinct == n and (n == 0 or (lo == 1 and hi == n))
          and integrity == "ok")
    return {"store_ok": ok, "integrity": integrity}


def fmt(name: str, r: dict) -> str:
    ms = 1000.0
    extra = f"  batch {r['batch']:7.1f}" if "batch" in r else " " * 15
    ok = "" if r.get("store_ok", True) else f"  STORE CHECK FAILED ({r.get('integrity')})"
    return (f"{name:<28} {r['events_s']:>10,.0f} ev/s  {r['commits_s']:>8,.0f} commits/s{extra}"
            f"  confirm p50 {r['p50'] * ms:7.2f} ms  p99 {r['p99'] * ms:7.2f} ms  "
            f"max {r['max'] * ms:7.1f} ms{ok}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--inflight", type=int, default=1000,
                    help="events each submitter keeps unconfirmed (default 1000)")
    ap.add_argument("--rate", type=float, default=20_000.0, help="paced load (events/s)")
    ap.add_argument("--dir", type=Path, help="where the bench stores go")
    ap.add_argument("--quick", action="store_true", help="1 s runs, smaller sweep")
    args = ap.parse_args()
    secs = 1.0 if args.quick else args.seconds
    base = args.dir or Path(__file__).resolve().parents[1] / "out"
    base.mkdir(parents=True, exist_ok=True)
    failed = False
    with tempfile.TemporaryDirectory(dir=base, prefix="event-write-") as d:
        root = Path(d)
        print(f"stores under {root} (WAL, synchronous=FULL); {secs:.0f} s per run")
        r = bench_single(root, min(secs, 2.0))
        print(fmt("single (1 tx/event)", r))
        r = bench_recorder(root, min(secs, 3.0))
        print(fmt("recorder.record_many(200)", r))
        pool = int(60_000 * secs / args.threads)  # more than the writer can take in secs
        r = bench_group(root, "group", secs, args.threads, args.inflight, prebuilt=pool)
        failed |= not r["store_ok"]
        print(fmt(f"group x{args.threads} (write path)", r))
        r = bench_group(root, "group-e2e", secs, args.threads, args.inflight)
        failed |= not r["store_ok"]
        print(fmt(f"group x{args.threads} (+ building)", r))
        r = bench_group(root, "group-rows", secs, args.threads, args.inflight, rows=True)
        failed |= not r["store_ok"]
        print(fmt(f"group x{args.threads} submit_row", r))
        r = bench_group(root, "group-chunk", secs, args.threads, args.inflight, prebuilt=pool,
                        chunk=100)
        failed |= not r["store_ok"]
        print(fmt(f"group x{args.threads} submit_many(100)", r))
        paced = int(args.rate * secs * 1.1 / args.threads)
        r = bench_group(root, "paced", secs, args.threads, args.inflight, rate=args.rate,
                        prebuilt=paced)
        failed |= not r["store_ok"]
        print(fmt(f"group @{args.rate:,.0f}/s", r))
        r = bench_group(root, "paced-2ms", secs, args.threads, args.inflight, rate=args.rate,
                        max_delay_s=0.002, prebuilt=paced)
        failed |= not r["store_ok"]
        print(fmt(f"group @{args.rate:,.0f}/s +2ms", r))
        sizes = (1, 10, 100, 1000) if args.quick else (1, 10, 100, 1000, 5000, 20000)
        for mb in sizes:
            r = bench_group(root, f"mb{mb}", min(secs, 3.0), args.threads, args.inflight,
                            max_batch=mb, prebuilt=int(40_000 * min(secs, 3.0) / args.threads))
            failed |= not r["store_ok"]
            print(fmt(f"max_batch {mb}", r))
    if failed:
        print("a store check failed (seq not 1..N, duplicates or integrity)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

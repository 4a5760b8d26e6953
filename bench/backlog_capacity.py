"""Backlog capacity: a station store filled with 10 million never-sent events, and still usable.

    .venv/bin/python bench/backlog_capacity.py [--events 10000000] [--budget N] [--tx 5000]
                                               [--dir DIR] [--keep] [--quick]
    .venv/bin/python bench/backlog_capacity.py --events 200000 --quick     # smoke run, < 1 min

Issue 8: "Backlog capacity ≥ 10M events on disk, with a warning at 80 % of the configured
budget." Without a central database everything a station records is backlog; this bench
fills a fresh station store to ``--events`` and checks it stays usable:

1. ``hmi.store.engine.open_store`` makes the store (migrated, WAL, ``synchronous=FULL``: as
   the station opens it) under ``--dir`` (default: a new directory in the repository's
   ``out/``, a real disk, not tmpfs).
2. It is filled through the station's own durable write path — ``append_rows`` in
   transactions of ``--tx`` events, as ``ProductionRecorder.record_many`` writes machine
   facts — with a realistic mix: production counts 40 %, process snapshots 25 % (JSON
   values), machine states 15 %, material consumption 10 %, alarms 10 %, one gap-free
   sequence. Nothing is ever marked sent. Progress every ``--progress`` events: the rate of
   that stretch, the file size, and at the end the rate of the last stretch against the
   first (the write rate must not collapse as the store grows).
3. At 79 %, just under 80 %, 80 % and 100 % of ``--budget`` (default: ``--events``, i.e.
   10,000,000) the status the header would get is computed by the real code: the offline
   ``SyncEngine.run_once()`` (central database unreachable: a closed loopback port) and
   ``SyncService``'s own report-to-status step (``_on_report``, the same ``disk_warning``
   rule the running service applies). ``SyncEngine.local_status()`` is timed at each level
   (the status is refreshed every few seconds; it must stay under ``--status-limit-ms``),
   and the query plans of what it and the push read run are printed.
4. At the full size: bytes on disk per event (per table and index via ``dbstat``),
   ``PRAGMA integrity_check`` (``quick_check`` if the full check exceeds
   ``--integrity-limit`` s; which one ran is printed), reading the first push window
   (``Pusher.read_window``: what a drain starts with) and the single-event write latency
   (``append_event`` + commit, one fsync) compared with the empty store's.

Exit status 1 when a check fails. The store is deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import shutil
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STATION = "ST-10"
REPO = Path(__file__).resolve().parents[1]
#: rough size of one event with its indexes (measured: see docs/sync.md); for the free-space check
EST_BYTES_PER_EVENT = 700

TAGS = ("temperature", "pressure", "speed", "torque", "cycle_time_s", "position")
STATES = ((1, "running"), (2, "idle"), (3, "faulted"), (4, "setup"), (1, "running"))


def make_factory(models, base_ts: dt.datetime):
    """``event(seq) -> (class, values)``: the machine data a busy station writes, as the
    recorder and the services build it (rows, no ORM objects)."""
    pc, ps, ms = models["ProductionCountEvent"], models["ProcessSnapshotEvent"], \
        models["MachineStateEvent"]
    mc, al = models["MaterialConsumptionEvent"], models["AlarmEvent"]
    tick = dt.timedelta(milliseconds=100)

    def event(i: int):
        k = i % 20
        ts = base_ts + tick * i
        order = f"O-{i // 50_000:06d}"
        if k < 8:
            scrap = i % 50 == 0
            return pc, {
                "station_id": STATION, "equipment_code": "PRESS-1", "order_code": order,
                "order_version": 1, "counter": "scrap" if scrap else "good",
                "good_increment": 0 if scrap else 1, "scrap_increment": 1 if scrap else 0,
                "raw_counter": i, "source_ts": ts}
        if k < 13:
            if k == 12:  # a downsampled block: {tag: [min, mean, max]}
                values = {t: [round(10 + (i % 7) * 0.1 + j, 2), round(11 + j + (i % 13) * 0.01, 3),
                              round(12.5 + j, 2)] for j, t in enumerate(TAGS)}
                kind, serial = "downsampled", None
            else:        # a per-unit snapshot: {tag: value}
                values = {t: round(100 + j * 7.5 + (i % 97) * 0.013, 3)
                          for j, t in enumerate(TAGS)}
                kind, serial = "unit", f"SN{i:010d}"
            return ps, {
                "station_id": STATION, "kind": kind, "equipment_code": "PRESS-1",
                "unit_serial": serial, "order_code": order, "values": values, "source_ts": ts}
        if k < 16:
            code, name = STATES[(i // 20) % len(STATES)]
            return ms, {
                "station_id": STATION, "equipment_code": "PRESS-1", "state_code": code,
                "state_name": name, "fault_code": 1203 if code == 3 else None,
                "source_ts": ts, "quality": "good"}
        if k < 18:
            return mc, {
                "station_id": STATION, "lot_code": f"LOT-{i // 20_000:05d}",
                "material_code": "STEEL-COIL-2MM", "quantity": 0.125, "unit": "kg",
                "order_code": order, "order_version": 1, "operation_sequence": 10,
                "unit_serial": f"SN{i - 9:010d}"}
        raised = k == 18
        return al, {
            "station_id": STATION, "equipment_code": "PRESS-1", "alarm_code": f"A{i % 17}",
            "kind": "raised" if raised else "cleared", "severity": 500 + (i % 3) * 100,
            "message": f"Hydraulic pressure low on circuit {i % 4} ({180 + i % 20} bar)",
            "source_ts": ts}

    return event


def store_bytes(db: Path) -> tuple[int, int]:
    """(main file, WAL) sizes in bytes."""
    wal = db.with_name(db.name + "-wal")
    return (db.stat().st_size if db.exists() else 0,
            wal.stat().st_size if wal.exists() else 0)


def ms_stats(samples: list[float]) -> str:
    s = sorted(samples)
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return (f"p50 {statistics.median(s):7.2f} ms  p99 {p99:7.2f} ms  max {s[-1]:7.2f} ms "
            f"(n={len(s)})")


def timed_ms(fn, reps: int) -> tuple[list[float], object]:
    out, last = [], None
    for _ in range(reps):
        t = time.perf_counter()
        last = fn()
        out.append((time.perf_counter() - t) * 1000)
    return out, last


def closed_port() -> int:
    """A loopback port nobody listens on (the central database is away)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def __call__(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, bool(ok), detail))
        print(f"  [{'ok' if ok else 'FAIL'}] {name}{': ' + detail if detail else ''}",
              flush=True)
        return bool(ok)

    @property
    def failed(self) -> list[tuple[str, bool, str]]:
        return [r for r in self.results if not r[1]]


def main() -> None:  # noqa: PLR0912, PLR0915 - one linear script of measurements
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=None,
                    help="events to write (default 10,000,000; 200,000 with --quick)")
    ap.add_argument("--budget", type=int, default=None,
                    help="backlog budget in events (default: --events)")
    ap.add_argument("--warn-fraction", type=float, default=0.8)
    ap.add_argument("--tx", type=int, default=5000, help="events per transaction (append_rows)")
    ap.add_argument("--progress", type=int, default=None,
                    help="print progress every N events (default 1,000,000; events/10 with "
                         "--quick)")
    ap.add_argument("--dir", type=Path, default=None,
                    help="directory for the store (default: a new one in the repository's out/)")
    ap.add_argument("--keep", action="store_true", help="keep the store afterwards")
    ap.add_argument("--quick", action="store_true", help="smoke run: fewer samples")
    ap.add_argument("--status-limit-ms", type=float, default=100.0,
                    help="local_status() must take less than this (max of the samples)")
    ap.add_argument("--min-rate-ratio", type=float, default=0.5,
                    help="the last stretch's write rate must be at least this share of the "
                         "first's")
    ap.add_argument("--integrity-limit", type=float, default=900.0,
                    help="seconds for PRAGMA integrity_check before falling back to quick_check")
    ap.add_argument("--single", type=int, default=None,
                    help="single-event writes timed (default 200; 50 with --quick)")
    args = ap.parse_args()
    events = args.events or (200_000 if args.quick else 10_000_000)
    budget = args.budget or events
    progress = args.progress or (max(1, events // 10) if args.quick else 1_000_000)
    single_n = args.single or (50 if args.quick else 200)
    status_reps = 10 if args.quick else 30
    if events < 2 * single_n or args.tx < 1:
        ap.error("--events must be at least twice --single, --tx at least 1")

    logging.basicConfig(level=logging.ERROR)  # the offline runs log "unreachable" warnings

    from hmi.services.sync import SyncService
    from hmi.store.base import EventMixin
    from hmi.store.engine import open_store
    from hmi.store.events import append_event, append_rows
    from hmi.store.models import downtime, material
    from hmi.sync.engine import SyncEngine
    from hmi.sync.push import DEFAULT_BATCH, Pusher, event_tables

    models = {name: getattr(mod, name) for mod, name in (
        (downtime, "ProductionCountEvent"), (downtime, "ProcessSnapshotEvent"),
        (downtime, "MachineStateEvent"), (material, "MaterialConsumptionEvent"),
        (downtime, "AlarmEvent"))}
    filled_tables = [m.__tablename__ for m in models.values()]
    assert all(issubclass(m, EventMixin) for m in models.values())

    created_dir = args.dir is None
    if created_dir:
        (REPO / "out").mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="backlog-", dir=REPO / "out"))
    else:
        work = args.dir
        work.mkdir(parents=True, exist_ok=True)
    db = work / "station.sqlite"
    if db.exists():
        sys.exit(f"{db} exists: the bench needs a fresh store; delete it or give another --dir")
    need = int(events * EST_BYTES_PER_EVENT * 1.3)
    free = shutil.disk_usage(work).free
    if free < need:
        sys.exit(f"{work}: {free / 1e9:.1f} GB free, about {need / 1e9:.1f} GB needed for "
                 f"{events:,} events: free space or give a --dir on a larger disk")

    checks = Checks()
    engine = None
    try:
        engine, sf = open_store(f"sqlite:///{db}")
        with engine.connect() as c:
            jm = c.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync_mode = c.exec_driver_sql("PRAGMA synchronous").scalar()
            page = c.exec_driver_sql("PRAGMA page_size").scalar()
        fs = next((p for p in (os.popen(f"findmnt -n -o FSTYPE -T {work}").read().split())), "?")
        print(f"store {db} ({fs}, {free / 1e9:.0f} GB free); SQLite {sqlite3.sqlite_version}, "
              f"journal_mode={jm}, synchronous={sync_mode} (2 = FULL), page_size={page}")
        print(f"writing {events:,} events of station {STATION} with append_rows, {args.tx:,} per "
              f"transaction; budget {budget:,} events, warning at {args.warn_fraction:.0%}")
        checks("store opened as the station opens it", jm == "wal" and sync_mode == 2,
               f"journal_mode={jm}, synchronous={sync_mode}")

        base_ts = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=events * 0.1)
        event = make_factory(models, base_ts)

        # -- single-event writes on the empty store (part of the fill: seq 1..single_n) ----
        def single_write(i: int) -> None:
            cls, values = event(i)
            with sf.begin() as s:
                append_event(s, cls(**values))

        lat_empty = []
        for i in range(1, single_n + 1):
            t = time.perf_counter()
            single_write(i)
            lat_empty.append((time.perf_counter() - t) * 1000)
        written = single_n

        # -- the sync side, offline ------------------------------------------------------
        central = f"postgresql+psycopg://hmi@127.0.0.1:{closed_port()}/central"
        sync = SyncEngine(sf, central, STATION, connect_timeout_s=2)
        service = SyncService(sync, backlog_budget=budget, warn_fraction=args.warn_fraction,
                              store_dir=None)  # budget rule alone; disk space reported apart
        warn_at = math.ceil(budget * args.warn_fraction - 1e-9)
        levels = sorted({round(budget * (args.warn_fraction - 0.01)), warn_at - 1, warn_at, budget})
        if budget > events:
            print(f"note: budget {budget:,} > events {events:,}: levels above {events:,} skipped")
        levels = [n for n in levels if single_n < n <= events]
        marks = sorted(set(range(progress, events + 1, progress)) | set(levels) | {events})

        def status_at(n: int) -> None:
            times, rep = timed_ms(sync.local_status, status_reps)
            t = time.perf_counter()
            report = sync.run_once()   # offline: connect refused, then local_status
            run_ms = (time.perf_counter() - t) * 1000
            service._on_report(report)  # the service's own report -> SyncStatus step
            st = service.status
            expect = n >= args.warn_fraction * budget
            print(f"at {n:>12,} ({n / budget:6.1%} of budget): local_status "
                  f"{ms_stats(times)}; offline run_once {run_ms:.1f} ms")
            print(f"    SyncStatus(online={st.online}, backlog={st.backlog:,}, "
                  f"oldest_unsent_s={st.oldest_unsent_s:.0f}, quarantined={st.quarantined}, "
                  f"disk_warning={st.disk_warning}, backlog_budget={st.backlog_budget:,}, "
                  f"last_error={st.last_error!r})")
            checks(f"status at {n:,}", st.backlog == n and not st.online
                   and st.disk_warning == expect and rep.backlog == n,
                   f"backlog {st.backlog:,}, disk_warning {st.disk_warning} "
                   f"(expected {expect})")
            checks(f"local_status at {n:,} < {args.status_limit_ms:g} ms",
                   max(times) < args.status_limit_ms, f"max {max(times):.2f} ms")

        # -- the fill -------------------------------------------------------------------
        stretches: list[tuple[int, int, float]] = []   # (from, to, seconds of writing)
        t_fill = time.perf_counter()
        write_s = 0.0
        stretch_from, stretch_s = written, 0.0
        for mark in marks:
            while written < mark:
                n = min(args.tx, mark - written)
                t = time.perf_counter()
                items = [event(j) for j in range(written + 1, written + n + 1)]
                with sf.begin() as s:
                    append_rows(s, items)
                dt_s = time.perf_counter() - t
                write_s += dt_s
                stretch_s += dt_s
                if items[-1][1]["seq"] != written + n:
                    sys.exit(f"sequence off: wrote up to {written + n}, got seq "
                             f"{items[-1][1]['seq']}")
                written += n
            if mark % progress == 0 or mark == events:
                main_b, wal_b = store_bytes(db)
                rate = (mark - stretch_from) / stretch_s if stretch_s else float("nan")
                stretches.append((stretch_from, mark, stretch_s))
                print(f"{mark:>12,} events  {rate:9,.0f} ev/s this stretch  "
                      f"file {main_b / 1e9:6.2f} GB + WAL {wal_b / 1e6:5.1f} MB  "
                      f"({(main_b + wal_b) / mark:5.0f} B/event)  "
                      f"elapsed {time.perf_counter() - t_fill:6.0f} s", flush=True)
                stretch_from, stretch_s = mark, 0.0
            if mark in levels:
                status_at(mark)
        print(f"filled {written:,} events in {time.perf_counter() - t_fill:.0f} s "
              f"({write_s:.0f} s writing: {(written - single_n) / write_s:,.0f} ev/s overall)")

        first, last = stretches[0], stretches[-1]
        r_first = (first[1] - first[0]) / first[2]
        r_last = (last[1] - last[0]) / last[2]
        checks("write rate holds as the store grows",
               r_last >= args.min_rate_ratio * r_first,
               f"last stretch ({last[0]:,}..{last[1]:,}) {r_last:,.0f} ev/s vs first "
               f"({first[0]:,}..{first[1]:,}) {r_first:,.0f} ev/s: {r_last / r_first:.2f}x "
               f"(at least {args.min_rate_ratio:.2f}x)")

        # -- at the full size -----------------------------------------------------------
        print(f"--- at {written:,} events")
        with sf() as s:
            last_seq = s.connection().exec_driver_sql(
                "SELECT last_seq FROM station_sequence WHERE station_id = ?", (STATION,)).scalar()
            counts = {t.name: s.connection().exec_driver_sql(
                f'SELECT count(*) FROM "{t.name}"').scalar() for t in event_tables()}
        total = sum(counts.values())
        print("rows: " + ", ".join(f"{t} {counts[t]:,}" for t in filled_tables)
              + f"; all event tables {total:,}")
        checks("every event stored, seq gap-free, nothing sent",
               total == written == last_seq and sync.local_status().backlog == written,
               f"{total:,} rows, last_seq {last_seq:,}, backlog {sync.local_status().backlog:,}")

        # query plans of what the status and the push read run
        plans = []
        with sf() as s:
            raw = s.connection().exec_driver_sql
            for tn in filled_tables:
                for what, sql, params in (
                    ("oldest_unsent", f'SELECT recorded_at FROM "{tn}" WHERE station_id = ? '
                     "AND seq = ?", (STATION, 1)),
                    ("read_window", f'SELECT * FROM "{tn}" WHERE station_id = ? AND seq > ? '
                     "AND seq <= ? ORDER BY seq", (STATION, 0, DEFAULT_BATCH)),
                ):
                    detail = "; ".join(r[3] for r in raw(f"EXPLAIN QUERY PLAN {sql}", params))
                    plans.append((what, tn, detail))
            detail = "; ".join(r[3] for r in raw(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM sync_quarantine WHERE peer = ? "
                "AND resolved_at IS NULL", ("central",)))
            plans.append(("quarantine count", "sync_quarantine", detail))
        print("query plans:")
        for what, tn, detail in plans:
            print(f"  {what:16} {tn:28} {detail}")
        bad = [p for p in plans if p[1] != "sync_quarantine" and (
            "SCAN" in p[2] or "TEMP B-TREE" in p[2])]
        checks("status and push reads use the (station_id, seq) index", not bad,
               "; ".join(f"{w} {t}: {d}" for w, t, d in bad))

        # timing of the status at full size, and the offline status computation
        if written not in levels:
            status_at(written)
        first_ms, _ = timed_ms(sync.local_status, 1)
        times, _ = timed_ms(sync.local_status, 100 if not args.quick else 20)
        print(f"local_status() at {written:,}: first {first_ms[0]:.2f} ms, then {ms_stats(times)}")
        disk_low = SyncService(sync, backlog_budget=budget, store_dir=str(work)).disk_low()
        print(f"disk free next to the store {shutil.disk_usage(work).free / 1e9:.1f} GB: "
              f"SyncService.disk_low() = {disk_low}")

        # first push window
        pusher = Pusher(sf, STATION, "central")
        wtimes = []
        for _ in range(3):
            t = time.perf_counter()
            lo, hi, lastw, rows = pusher.read_window()
            wtimes.append((time.perf_counter() - t) * 1000)
        n_rows = sum(len(r) for r in rows.values())
        seqs = sorted(r[[c.name for c in t.columns].index("seq")]
                      for t in pusher.tables if t.name in rows for r in rows[t.name])
        print(f"Pusher.read_window() first window ({lo}..{hi} of {lastw:,}): {n_rows:,} rows in "
              f"{len(rows)} tables, {wtimes[0]:.0f} ms (then {wtimes[1]:.0f}, {wtimes[2]:.0f} ms)")
        checks("first push window is seq 1..batch", seqs == list(range(1, pusher.batch_size + 1)),
               f"{n_rows:,} rows")
        mid = written // 2
        t = time.perf_counter()
        _, _, _, rows_mid = pusher.read_window(mid)
        print(f"Pusher.read_window({mid:,}) (a window in the middle): "
              f"{sum(len(r) for r in rows_mid.values()):,} rows, "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")

        # single-event write latency at full size (adds single_n events: after the checks)
        lat_full = []
        for i in range(written + 1, written + single_n + 1):
            t = time.perf_counter()
            single_write(i)
            lat_full.append((time.perf_counter() - t) * 1000)
        written += single_n
        print(f"single-event write (append_event + commit), empty store:  {ms_stats(lat_empty)}")
        print(f"single-event write (append_event + commit), at {written - single_n:,}: "
              f"{ms_stats(lat_full)}")
        checks("single-event write latency usable at full size",
               statistics.median(lat_full) < max(50.0, 3 * statistics.median(lat_empty)),
               f"p50 {statistics.median(lat_full):.2f} ms vs {statistics.median(lat_empty):.2f} "
               "ms empty")

        # size on disk
        main_b, wal_b = store_bytes(db)
        with sf() as s:
            s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        main_c, wal_c = store_bytes(db)
        print(f"on disk: {main_b / 1e9:.2f} GB + WAL {wal_b / 1e6:.1f} MB; after a checkpoint "
              f"{main_c / 1e9:.2f} GB + {wal_c / 1e6:.1f} MB = {(main_c + wal_c) / written:.0f} "
              "bytes per event")
        sq = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            t = time.perf_counter()
            by_name = dict(sq.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
            idx = dict(sq.execute("SELECT name, tbl_name FROM sqlite_master "
                                  "WHERE type = 'index'").fetchall())
            label = {n: "(" + ", ".join(r[2] for r in sq.execute(f'PRAGMA index_info("{n}")'))
                     + ")" + (" pk" if n.endswith("_1") and "autoindex" in n else "")
                     for n in idx}
            print(f"space by table (dbstat, {time.perf_counter() - t:.0f} s), bytes per row of "
                  "the table:")
            for tn in filled_tables:
                rows_t = counts[tn] or 1
                own = by_name.get(tn, 0)
                ixs = sorted(((n, b) for n, b in by_name.items() if idx.get(n) == tn),
                             key=lambda x: -x[1])
                print(f"  {tn:28} table {own / rows_t:5.0f}  indexes "
                      f"{sum(b for _, b in ixs) / rows_t:5.0f}  ("
                      + ", ".join(f"{label[n]} {b / rows_t:.0f}" for n, b in ixs) + ")")
        finally:
            sq.close()

        # integrity
        ic = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            timer = threading.Timer(args.integrity_limit, ic.interrupt)
            timer.start()
            t = time.perf_counter()
            try:
                res = [r[0] for r in ic.execute("PRAGMA integrity_check").fetchall()]
                which = "integrity_check"
            except sqlite3.OperationalError as exc:
                if "interrupt" not in str(exc):
                    raise
                print(f"PRAGMA integrity_check exceeded {args.integrity_limit:.0f} s: "
                      "running quick_check instead")
                t = time.perf_counter()
                res = [r[0] for r in ic.execute("PRAGMA quick_check").fetchall()]
                which = "quick_check"
            finally:
                timer.cancel()
            took = time.perf_counter() - t
        finally:
            ic.close()
        print(f"PRAGMA {which}: {res[0] if len(res) == 1 else res[:5]} in {took:.0f} s "
              f"({(main_c + wal_c) / 1e6 / took:.0f} MB/s)")
        checks(f"PRAGMA {which} ok", res == ["ok"], f"{took:.0f} s")

        print("--- summary")
        print(f"events {written:,}; bytes/event {(main_c + wal_c) / written:.0f}; "
              f"fill {(written - 2 * single_n) / write_s:,.0f} ev/s "
              f"(first stretch {r_first:,.0f}, last {r_last:,.0f}); "
              f"local_status p50 {statistics.median(times):.2f} ms; "
              f"first window {wtimes[0]:.0f} ms; {which} {took:.0f} s")
    finally:
        if engine is not None:
            engine.dispose()
        if args.keep:
            print(f"store kept: {db}")
        else:
            for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                p.unlink(missing_ok=True)
            if created_dir:
                shutil.rmtree(work, ignore_errors=True)
    if checks.failed:
        print(f"{len(checks.failed)} check(s) failed: "
              + "; ".join(n for n, _, _ in checks.failed))
        sys.exit(1)
    print(f"all {len(checks.results)} checks passed")


if __name__ == "__main__":
    main()

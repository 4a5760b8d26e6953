"""Backlog drain to PostgreSQL on loopback: how fast a days-long backlog reaches the central DB.

    .venv/bin/python bench/sync_drain.py [--events 1000000] [--batch 10000] [--no-fsync]
                                         [--keep DIR]

Builds a station store (``open_store``: the real schema) holding ``--events`` events of
station ST-10 that were never sent: mixed machine states (20 %), production counts (40 %),
alarms (20 %) and process snapshots with a JSON payload (20 %), one gap-free sequence across
them, written by SQLite itself (``INSERT … SELECT`` over a recursive counter: no rows cross
Python while building). Then starts a throwaway PostgreSQL 15 (the test fixture's helper,
with ``fsync``/``full_page_writes`` switched back on unless ``--no-fsync``), migrates it,
and drains the backlog with :class:`hmi.sync.engine.SyncEngine` on a background thread —
as ``SyncService`` runs it — while the main thread measures how late a 5 ms timer fires
(what the GUI thread would feel: the GIL is shared).

Prints events/s, the drain time, the stall percentiles of the main thread, and checks that
the central side holds exactly the station's events (count and max seq per table).
Target (issue 8): ≥ 50,000 events/s, 1 M in ≤ 30 s, stalls p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STATION = "ST-10"


def build_backlog(sf, n: int) -> None:
    """``n`` events of STATION, seq 1..n, spread over four tables, written by SQLite."""
    base = "2026-03-01 06:00:00"
    cte = (f"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) ")
    # UUIDv7-shaped ids (48-bit millisecond time first, as hmi.store.base.new_id makes them):
    # time-ordered keys are what the central indexes really see (random ones are slower)
    common = ("printf('%012x7%03x%016x', 1772344800000 + i * 100, abs(random()) % 4096, "
              "abs(random())), '" + STATION + "', i, "
              f"strftime('%Y-%m-%d %H:%M:%f', '{base}', '+' || (i / 10.0) || ' seconds')")
    statements = [
        "INSERT INTO machine_state_event (id, station_id, seq, recorded_at, equipment_code, "
        "state_code, state_name, quality, source_ts) "
        f"{cte} SELECT {common}, 'PRESS-1', i % 5, 'S' || (i % 5), 'good', NULL "
        "FROM c WHERE i % 5 = 0",
        "INSERT INTO production_count_event (id, station_id, seq, recorded_at, equipment_code, "
        "order_code, order_version, counter, good_increment, scrap_increment, raw_counter) "
        f"{cte} SELECT {common}, 'PRESS-1', 'O-' || (i / 5000), 1, 'good', 1, 0, i "
        "FROM c WHERE i % 5 IN (1, 2)",
        "INSERT INTO alarm_event (id, station_id, seq, recorded_at, equipment_code, alarm_code, "
        "kind, severity, message) "
        f"{cte} SELECT {common}, 'PRESS-1', 'A' || (i % 17), 'raised', 500, "
        "'Hydraulic pressure low at ' || i FROM c WHERE i % 5 = 3",
        "INSERT INTO process_snapshot_event (id, station_id, seq, recorded_at, equipment_code, "
        "kind, unit_serial, \"values\") "
        f"{cte} SELECT {common}, 'PRESS-1', 'unit', 'SN-' || i, "
        "'{\"temperature\": 181.5, \"pressure\": 40.2, \"speed\": ' || (i % 100) || '}' "
        "FROM c WHERE i % 5 = 4",
        f"INSERT INTO station_sequence (station_id, last_seq) VALUES ('{STATION}', {n})",
    ]
    with sf.begin() as s:
        raw = s.connection()
        for sql in statements:
            raw.exec_driver_sql(sql)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--no-fsync", action="store_true",
                    help="leave the throwaway server's fsync off (faster, not durable)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the station store here")
    args = ap.parse_args()

    import psycopg

    from hmi.store.engine import make_engine, migrate, open_store
    from hmi.sync.engine import SyncEngine
    from hmi.sync.push import event_tables
    from tests.fixtures.postgres import _start_server

    work = args.keep or Path(tempfile.mkdtemp(prefix="hmi-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "station.db"
    db.unlink(missing_ok=True)
    engine, sf = open_store(f"sqlite:///{db}")
    t = time.perf_counter()
    build_backlog(sf, args.events)
    print(f"backlog built: {args.events:,} events in {time.perf_counter() - t:.1f} s "
          f"({db.stat().st_size / 1e6:.0f} MB)")
    # the station's own check over the same table shapes
    check = event_tables()
    assert {"machine_state_event", "alarm_event"} <= {x.name for x in check}

    server = _start_server()
    try:
        if not args.no_fsync:  # the fixture's server is fast and not durable; a plant's is
            server.options = " ".join(
                o for o in server.options.replace("-c ", "-c\0").split()
                if not o.startswith(("-c\0fsync", "-c\0full_page", "-c\0synchronous"))
            ).replace("-c\0", "-c ")
            server.stop()
            server.start()
        with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres",
                             dbname="postgres", autocommit=True) as admin:
            fsync = admin.execute("SHOW fsync").fetchone()[0]
        url = server.create_database("central")
        pg_engine = make_engine(url)
        migrate(pg_engine)
        pg_engine.dispose()
        print(f"central PostgreSQL on 127.0.0.1:{server.port} (fsync={fsync}, "
              "synchronous_commit=on for the sync session)")

        sync = SyncEngine(sf, url, STATION, batch_size=args.batch, push_budget_s=1.0)
        before = sync.local_status()
        print(f"backlog {before.backlog:,}, oldest unsent {before.oldest_unsent_s / 86400:.1f} "
              "days old")
        done = threading.Event()
        reports = []

        def drain() -> None:
            while True:
                r = sync.run_once()
                reports.append(r)
                if r.errors:
                    print("ERROR:", r.errors)
                    break
                if r.backlog == 0:
                    break
            done.set()

        lateness = []
        t0 = time.perf_counter()
        worker = threading.Thread(target=drain, name="hmi-sync")
        worker.start()
        while not done.is_set():
            a = time.perf_counter()
            time.sleep(0.005)
            lateness.append((time.perf_counter() - a - 0.005) * 1000)
        worker.join()
        elapsed = time.perf_counter() - t0
        sync.close()
        pushed = sum(r.pushed_total for r in reports)
        q = statistics.quantiles(lateness, n=100)
        print(f"drained {pushed:,} events in {elapsed:.1f} s: {pushed / elapsed:,.0f} events/s "
              f"({len(reports)} runs, batch {args.batch:,})")
        print(f"main-thread timer lateness during the drain: p50 {q[49]:.1f} ms, "
              f"p99 {q[98]:.1f} ms, max {max(lateness):.1f} ms")

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                             autocommit=True) as conn:
            total = 0
            for tname in ("machine_state_event", "production_count_event", "alarm_event",
                          "process_snapshot_event"):
                n, = conn.execute(f'SELECT count(*) FROM "{tname}"').fetchone()
                total += n
            top, = conn.execute("SELECT max(seq) FROM production_count_event").fetchone()
        ok = total == args.events
        print(f"central holds {total:,} events ({'exact' if ok else 'MISMATCH'}), "
              f"max count seq {top:,}")
        if not ok:
            sys.exit(1)
    finally:
        server.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
